/**
 * Recorded in every run's inputs. Bump it whenever a rule or a rounding changes, so that a replay
 * that differs from its original is explained by the version, never a mystery.
 */
export const reconciliationEngineVersion = 'reconciliation-engine/1.3.0';
