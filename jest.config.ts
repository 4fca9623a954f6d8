import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

// testTimeout is a global option: in a multi-project run the projects' own values are ignored.
// Integration suites open PGlite, start Azurite or spawn services; 60 s is a ceiling, not a target.
export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
  testTimeout: 60_000,
});
