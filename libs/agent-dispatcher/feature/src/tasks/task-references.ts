import { clientListSchema, type Identity } from '@leaf/contracts';
import { AppError, type FieldError, type IdentitySigner } from '@leaf/platform';
import type { TaskKindDefinition, TaskReference } from '@leaf/task-ledger';

/**
 * Checks, when a task is created, that the period or run its parameters name belongs to the
 * task's client — asking claims-runtime, which owns both, as the caller (so it answers only
 * within the caller's scope). A task naming another client's period used to be accepted and fail
 * later in the worker; now it is a 400 that names the parameter and says nothing about the other
 * client. If claims-runtime cannot answer, the create fails (502) rather than trusting the name.
 */
export class TaskReferences {
  constructor(
    private readonly claimsRuntimeUrl: string,
    private readonly signer: IdentitySigner,
    private readonly timeoutMs: number,
  ) {}

  async assertOwnedBy(
    definition: TaskKindDefinition,
    clientId: string,
    parameters: Record<string, unknown>,
    caller: Identity,
    requestId?: string,
  ): Promise<void> {
    const problems: FieldError[] = [];
    for (const [name, reference] of Object.entries(definition.references ?? {})) {
      const value = parameters[name];
      if (typeof value !== 'string') continue;
      if (!(await this.belongs(reference, clientId, value, caller, requestId))) {
        problems.push({ path: `parameters.${name}`, message: `no such ${reference.replace('-', ' ')} of client ${clientId}` });
      }
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', `parameters name something that is not ${clientId}'s`, { errors: problems });
  }

  private async belongs(reference: TaskReference, clientId: string, id: string, caller: Identity, requestId?: string): Promise<boolean> {
    const client = encodeURIComponent(clientId);
    switch (reference) {
      case 'contract-period': {
        const answer = await this.get('/v1/clients', caller, requestId);
        const list = clientListSchema.safeParse(answer.body);
        if (answer.status !== 200 || !list.success) throw unavailable();
        return list.data.items.some((c) => c.clientId === clientId && c.periods.some((p) => p.periodId === id));
      }
      case 'reconciliation-run': {
        const answer = await this.get(`/v1/clients/${client}/reconciliations/${encodeURIComponent(id)}`, caller, requestId);
        if (answer.status === 200) return (answer.body as { clientId?: unknown } | null)?.clientId === clientId;
        if (answer.status === 404 || answer.status === 400) return false;
        throw unavailable();
      }
    }
  }

  private async get(path: string, caller: Identity, requestId?: string): Promise<{ status: number; body: unknown }> {
    try {
      const response = await fetch(`${this.claimsRuntimeUrl.replace(/\/$/, '')}${path}`, {
        headers: { accept: 'application/json', ...this.signer.headers(caller), ...(requestId ? { 'x-request-id': requestId } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      return { status: response.status, body };
    } catch (cause) {
      throw unavailable(cause);
    }
  }
}

const unavailable = (cause?: unknown) => new AppError('UPSTREAM_UNAVAILABLE', 'claims-runtime could not confirm the task’s references', { cause });
