const nxPreset = require('@nx/jest/preset').default;

// SWC instead of ts-jest: type checking runs once in `npm run typecheck`, tests only transpile.
const swc = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

// Packages Jest's CommonJS VM cannot load as shipped: PGlite's CommonJS build loads Node built-ins
// with import(), and content-disposition (under @fastify/static, which serves /docs) and jose are ESM-only.
// SWC turns both into plain CommonJS.
// @kubernetes/client-node 1.x and its OpenID client are ESM-only too.
const esmPackages = ['@electric-sql', 'content-disposition', 'jose', '@kubernetes/client-node', 'openid-client', 'oauth4webapi'];
const esmToCjs = {
  jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } },
  module: { type: 'commonjs', ignoreDynamic: false },
};

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    [`/node_modules/(${esmPackages.join('|')})/.+\\.c?js$`]: ['@swc/jest', esmToCjs],
    '^.+\\.[tj]s$': ['@swc/jest', swc],
  },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${esmPackages.join('|')})/).*/node_modules/`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
};
