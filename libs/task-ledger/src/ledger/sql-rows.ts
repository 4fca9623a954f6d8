export { rowsOf } from '@leaf/persistence';

export const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
