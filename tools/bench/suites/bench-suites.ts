import type { BenchSuite } from '../bench-case';
import { loadSuite } from './load.suite';

/** Every suite `npm run bench -- <suite>` knows, by name. */
export const benchSuites: Readonly<Record<string, BenchSuite>> = {
  [loadSuite.name]: loadSuite,
};
