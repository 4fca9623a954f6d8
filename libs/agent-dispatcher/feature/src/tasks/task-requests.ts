import type { CreateTask, Identity } from '@leaf/contracts';
import { AppError, assertClientVisible } from '@leaf/platform';
import { TaskKindRegistry, decidePolicy, type NewTask, type TaskKindDefinition } from '@leaf/task-ledger';

/**
 * Turns a create request into a ledger entry, or says why not: unknown kind or bad parameters
 * (400), a client outside the caller's scope (404), a role too weak (403).
 */
export function toNewTask(registry: TaskKindRegistry, body: CreateTask, caller: Identity, idempotencyKey: string | undefined): NewTask {
  const definition = registry.get(body.kind);
  if (!definition) {
    throw new AppError('VALIDATION_FAILED', `unknown task kind ${body.kind}`, {
      errors: [
        {
          path: 'kind',
          message: `one of ${registry
            .list()
            .map((k) => k.kind)
            .join(', ')}`,
        },
      ],
    });
  }
  assertClientVisible(caller, body.clientId);
  const parameters = withClientScope(definition, body);
  const check = registry.checkParameters(definition, parameters);
  if (!check.ok) throw new AppError('VALIDATION_FAILED', `parameters do not match ${body.kind}`, { errors: check.problems });
  const policy = decidePolicy(definition, caller, body.approve);
  if (!policy.allowed) throw new AppError('FORBIDDEN', policy.detail);
  return {
    definition,
    clientId: body.clientId,
    parameters: check.parameters,
    policy: policy.decision,
    requestedBy: caller.subject,
    idempotencyKey,
    requestFingerprint: body,
  };
}

/** A kind scoped to a client takes the task's client; naming another client in the parameters is refused. */
function withClientScope(definition: TaskKindDefinition, body: CreateTask): Record<string, unknown> {
  const shape = (definition.parameters as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape || !('clientId' in shape)) return body.parameters;
  const given = body.parameters['clientId'];
  if (given !== undefined && given !== body.clientId) {
    throw new AppError('VALIDATION_FAILED', 'parameters.clientId must be the task’s clientId', {
      errors: [{ path: 'parameters.clientId', message: `must be ${body.clientId}` }],
    });
  }
  return { ...body.parameters, clientId: body.clientId };
}
