import { sha256Hex } from '@leaf/contracts';

const opaque = /^wkr_[0-9a-f]{16}$/;
/** How worker ids used to be written: `<host or pod>/<pid>`. */
const hostAndPid = /^[^\s/]+\/\d+$/;

/**
 * The form a worker's identity takes in the ledger and everything read from it: `wkr_` and 16 hex
 * digits of the sha256 of the worker's own id (`<pod>/<pid>`). Stable per worker process, so one
 * worker's attempts still line up, but a task response or event stream no longer names the pod,
 * host or PID; an operator maps it back with the worker's logs (or this function).
 */
export const workerRef = (workerId: string): string => (opaque.test(workerId) ? workerId : `wkr_${sha256Hex(workerId).slice(0, 16)}`);

/** For rows written before worker ids were opaque: a `<host>/<pid>` actor becomes its worker ref. */
export const publicActor = (actor: string): string => (hostAndPid.test(actor) ? workerRef(actor) : actor);
