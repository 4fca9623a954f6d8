/**
 * The file name a download is saved under: what a finance user files it by — client and contract
 * period — then the run, so two runs of one period never overwrite each other. Only characters
 * safe in every file system and in a quoted Content-Disposition.
 */
export function downloadName(
  run: { clientId: string; periodId: string; runId: string },
  what: string,
): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `reconciliation_${safe(run.clientId)}_${safe(run.periodId)}_${safe(run.runId)}_${safe(what)}`;
}
