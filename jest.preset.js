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

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
};
