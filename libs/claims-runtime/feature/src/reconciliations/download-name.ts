/**
 * The file name a download is saved under: what a finance user files it by — client and contract
 * period — then the run, so two runs of one period never overwrite each other:
 * `reconciliation-northfield-tech-py2025-rec_….pdf`. A period id that repeats its client's id
 * (`northfield-tech-py2025`) is not repeated. The run's own report keeps just its extension
 * (`reconciliation.pdf` → `….pdf`); any other artifact keeps its name after the run
 * (`…-run-inputs.json`, `…-findings.csv`). Only characters safe in every file system and in a
 * quoted Content-Disposition. The artifact's name in the API does not change.
 */
export function downloadName(run: { clientId: string; periodId: string; runId: string }, what: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  const client = safe(run.clientId);
  let period = safe(run.periodId);
  if (period.startsWith(`${client}-`) && period.length > client.length + 1) period = period.slice(client.length + 1);
  const base = ['reconciliation', client, period, safe(run.runId)].filter((part) => part !== '').join('-');
  const own = /^reconciliation(\.[A-Za-z0-9]+)$/.exec(what);
  return own ? `${base}${own[1]}` : `${base}-${safe(what)}`;
}
