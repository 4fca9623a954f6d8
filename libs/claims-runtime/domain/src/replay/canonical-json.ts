/**
 * The one canonical JSON (keys sorted by code unit at every level, no whitespace, undefined left
 * out) lives in @leaf/contracts; the engine's replays and content addresses rest on it.
 */
export { canonicalJson } from '@leaf/contracts';
