import type { PolicyDecision, Role } from '@leaf/contracts';
import type { TaskKindDefinition } from './task-kind';
import { TaskKindRegistry, hasAtLeast } from './task-kind.registry';

export type PolicyOutcome =
  | { allowed: true; decision: PolicyDecision }
  | { allowed: false; reason: 'role' | 'approve-flag'; detail: string };

/**
 * Who may ask for a kind, and whether it waits for an operator: a kind that mutates is blocked
 * until approved, unless an operator (or admin) asks with `approve: true`.
 */
export function decidePolicy(kind: TaskKindDefinition, caller: { subject: string; roles: readonly Role[] }, approve: boolean, now = new Date()): PolicyOutcome {
  if (!TaskKindRegistry.mayRequest(kind, caller.roles)) {
    return { allowed: false, reason: 'role', detail: `${kind.kind} needs the ${kind.requestRole} role` };
  }
  const isOperator = caller.roles.some((r) => hasAtLeast(r, 'operator'));
  if (approve && !isOperator) return { allowed: false, reason: 'approve-flag', detail: 'only an operator may approve a task at creation' };
  if (!kind.mutates) return { allowed: true, decision: { decision: 'allowed', reason: `${kind.kind} does not mutate`, approvedBy: null, approvedAt: null } };
  if (approve) {
    return {
      allowed: true,
      decision: { decision: 'approved', reason: `${kind.kind} mutates; approved at creation`, approvedBy: caller.subject, approvedAt: now.toISOString() },
    };
  }
  return { allowed: true, decision: { decision: 'approval-required', reason: `${kind.kind} mutates; an operator must approve it`, approvedBy: null, approvedAt: null } };
}
