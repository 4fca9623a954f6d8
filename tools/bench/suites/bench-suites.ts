import type { BenchSuite } from '../bench-case';
import { loadSuite } from './load.suite';
import { messagingSuite } from './messaging.suite';

/** Every suite `npm run bench -- <suite>` knows, by name. */
export const benchSuites: Readonly<Record<string, BenchSuite>> = {
  [loadSuite.name]: loadSuite,
  [messagingSuite.name]: messagingSuite,
};
