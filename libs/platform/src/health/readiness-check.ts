/** Something a service needs before it can take work: its database, its bus, its lake. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ status: 'up' | 'down'; detail?: string }>;
}

export const SERVICE_NAME = Symbol('leaf.service-name');
