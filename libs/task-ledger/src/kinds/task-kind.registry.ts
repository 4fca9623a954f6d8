import { roles, type Role } from '@leaf/contracts';
import { builtInTaskKinds } from './task-kinds';
import type { TaskKindDefinition } from './task-kind';

export type ParameterCheck = { ok: true; parameters: Record<string, unknown> } | { ok: false; problems: Array<{ path: string; message: string }> };

/** The kinds a dispatcher accepts and a worker runs. */
export class TaskKindRegistry {
  private readonly kinds = new Map<string, TaskKindDefinition>();

  constructor(definitions: readonly TaskKindDefinition[] = builtInTaskKinds) {
    for (const d of definitions) this.kinds.set(d.kind, d);
  }

  get(kind: string): TaskKindDefinition | undefined {
    return this.kinds.get(kind);
  }

  list(): TaskKindDefinition[] {
    return [...this.kinds.values()];
  }

  checkParameters(definition: TaskKindDefinition, parameters: unknown): ParameterCheck {
    const parsed = definition.parameters.safeParse(parameters);
    if (parsed.success) return { ok: true, parameters: parsed.data as Record<string, unknown> };
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: ['parameters', ...i.path.map(String)].join('.'), message: i.message })) };
  }

  static mayRequest(definition: TaskKindDefinition, callerRoles: readonly Role[]): boolean {
    return callerRoles.some((r) => hasAtLeast(r, definition.requestRole));
  }
}

export const hasAtLeast = (role: Role, needed: Role): boolean => roles.indexOf(role) >= roles.indexOf(needed);
