import { searchModules, type Role, type SearchModule } from '@leaf/contracts';
import { roleRank } from '../scope/search-scope';
import type { BranchWeights } from '../fusion/weighted-rrf';

/**
 * Which modules a role may search. Findings and takeover comparisons are analysis output (owed
 * dollars, dashboards under migration): analysts and above. Contracts, requests and docs are
 * open to readers of the client.
 */
const minimumRole: Readonly<Record<SearchModule, Role>> = {
  contracts: 'reader',
  requests: 'reader',
  docs: 'reader',
  findings: 'analyst',
  takeover: 'analyst',
};

export function modulesFor(role: Role): SearchModule[] {
  return searchModules.filter((m) => roleRank(role) >= roleRank(minimumRole[m]));
}

export function mayAccessModule(role: Role, module: SearchModule): boolean {
  return roleRank(role) >= roleRank(minimumRole[module]);
}

/** Words that say where an answer lives. A query naming none searches every module the role may. */
const cues: Readonly<Record<SearchModule, RegExp>> = {
  contracts:
    /\b(contracts?|guarantee[sd]?|rates?|awp|discounts?|dispensing|fees?|rebates?|amendments?|schedules?|packets?|terms?|specialty|mail|retail|brand|generic)\b/,
  findings: /\b(findings?|shortfalls?|owed|reconcil\w*|duplicates?|audit|overpaid|overpayments?|impact|recover\w*)\b/,
  requests: /\b(requests?|tickets?|salesforce|cases?|notes?|feed|comments?|asked)\b/,
  takeover: /\b(domo|takeover|comparisons?|dashboards?|cards?|datasets?|parity)\b/,
  docs: /\b(how|runbook|docs?|guide|policy|procedure)\b/,
};

export interface QueryRoute {
  readonly modules: SearchModule[];
  readonly reason: string;
  readonly weights: BranchWeights;
}

/**
 * Picks modules from the query and the caller's role, and the branch weights: identifiers and
 * quoted phrases are lexical (keyword weighs double); plain language weighs both equally.
 */
export function routeQuery(q: string, role: Role, requested?: SearchModule): QueryRoute {
  const allowed = modulesFor(role);
  const weights = lexicalQuery(q) ? { keyword: 2, vector: 1 } : { keyword: 1, vector: 1 };
  if (requested) return { modules: [requested], reason: `module ${requested} asked for`, weights };
  const text = q.toLowerCase();
  const cued = allowed.filter((m) => cues[m].test(text));
  if (cued.length) return { modules: cued, reason: `query names ${cued.join(', ')}; ${role} may search ${allowed.join(', ')}`, weights };
  return { modules: allowed, reason: `no module named in the query: every module a ${role} may search`, weights };
}

function lexicalQuery(q: string): boolean {
  return /"[^"]+"/.test(q) || /\b[A-Z]{2,}-?\d+|\b\d{4,}\b|\bpkt-[a-f0-9]+/i.test(q);
}
