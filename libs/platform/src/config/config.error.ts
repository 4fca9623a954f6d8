/** A setting is missing or malformed. The message names every offending setting, never its value. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly issues: ReadonlyArray<{ setting: string; problem: string }>) {
    super(`invalid configuration: ${issues.map((i) => `${i.setting}: ${i.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export const isConfigError = (e: unknown): e is ConfigError => e instanceof ConfigError;
