import nx from '@nx/eslint-plugin';

/** `serviceNames` of libs/contracts (service-catalogue.ts), which an .mjs config cannot import; tools/lint/service-list.spec.ts fails on drift. */
export const services = ['gateway', 'claims-runtime', 'domo-takeover', 'contract-packets', 'salesforce-mirror', 'retrieval', 'agent-dispatcher', 'lane-worker'];

/**
 * The dependency graph of ./ARCHITECTURE.md ("Layers and Nx tags"), enforced. `type:*` says which layer may use which;
 * `scope:*` keeps a service's code out of every other service.
 */
export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:contracts'] },
  {
    sourceTag: 'type:launcher',
    onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:contracts', 'type:persistence', 'type:storage', 'type:data-access', 'type:messaging'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: [
      'type:kit',
      'type:domain',
      'type:data-access',
      'type:contracts',
      'type:platform',
      'type:messaging',
      'type:storage',
      'type:persistence',
    ],
  },
  // The service kit: what every service's root module stands on (health, shutdown, data source, lake).
  { sourceTag: 'type:kit', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:messaging', 'type:storage', 'type:persistence'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:persistence', 'type:storage'] },
  { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:persistence'] },
  { sourceTag: 'type:persistence', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:storage', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:persistence', 'type:storage', 'type:messaging', 'type:data-access', 'type:domain'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:platform',
      'type:persistence',
      'type:storage',
      'type:messaging',
      'type:data-access',
      'type:domain',
      'type:testing',
      'type:feature',
    ],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:stack', onlyDependOnLibsWithTags: ['*'] },
  ...services.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/.data', 'tools/.bin', 'tools/scaffold'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.cts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints,
        },
      ],
    },
  },
  {
    // Specs may stand on the shared test doubles (fake Graph server, broker, Azurite) from any layer;
    // production code still may not.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: depConstraints.map((c) =>
            c.sourceTag.startsWith('type:') ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
          ),
        },
      ],
    },
  },
  {
    // Libs log through Nest's Logger, which libs/platform binds to the one pino instance (ARCHITECTURE.md, "Logging").
    files: ['libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A promise nobody awaits loses its rejection: one bad message once crashed every service this
    // way. Type-aware, so it needs each file's TypeScript project (found through its tsconfig).
    files: ['**/*.ts', '**/*.cts', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
];
