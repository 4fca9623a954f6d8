import type { PolicyDecision, Role } from '@leaf/contracts';
import type { TaskKindDefinition } from './task-kind';
import { TaskKindRegistry, hasAtLeast } from './task-kind.registry';

export type PolicyOutcome = { allowed: true; decision: PolicyDecision } | { allowed: false; reason: 'role' | 'approve-flag' | 'self-approval'; detail: string };

/** The reason recorded when an admin approves a mutating task they asked for themselves. */
export const selfApprovalReason = 'approved by its own requester, an admin (four-eyes override)';

/**
 * Who may ask for a kind, and whether it waits for approval: a kind that mutates is blocked until
 * approved by someone other than its requester (four eyes). Asking with `approve: true` is the
 * requester approving their own task, so only an admin may, and it is recorded as such.
 */
export function decidePolicy(kind: TaskKindDefinition, caller: { subject: string; roles: readonly Role[] }, approve: boolean, now = new Date()): PolicyOutcome {
  if (!TaskKindRegistry.mayRequest(kind, caller.roles)) {
    return { allowed: false, reason: 'role', detail: `${kind.kind} needs the ${kind.requestRole} role` };
  }
  const isOperator = caller.roles.some((r) => hasAtLeast(r, 'operator'));
  if (approve && !isOperator) return { allowed: false, reason: 'approve-flag', detail: 'only an operator may approve a task at creation' };
  if (!kind.mutates) return { allowed: true, decision: { decision: 'allowed', reason: `${kind.kind} does not mutate`, approvedBy: null, approvedAt: null } };
  if (approve) {
    if (!caller.roles.some((r) => hasAtLeast(r, 'admin'))) {
      return { allowed: false, reason: 'self-approval', detail: `${kind.kind} mutates: its requester cannot approve it; another operator must (or an admin)` };
    }
    return {
      allowed: true,
      decision: {
        decision: 'approved',
        reason: `${kind.kind} mutates; ${selfApprovalReason}, at creation`,
        approvedBy: caller.subject,
        approvedAt: now.toISOString(),
      },
    };
  }
  return {
    allowed: true,
    decision: {
      decision: 'approval-required',
      reason: `${kind.kind} mutates; an operator other than its requester must approve it`,
      approvedBy: null,
      approvedAt: null,
    },
  };
}
