/**
 * Jest settings any project needs to open PGlite (and so `@leaf/persistence/testing`).
 *
 * PGlite's CommonJS build loads Node built-ins with `import("fs")`; Jest runs CommonJS modules in
 * a vm context without a dynamic-import callback, so PGlite.create() fails with
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG. Transpiling the @electric-sql packages with SWC
 * (module commonjs, ignoreDynamic false) turns those imports into require() calls.
 *
 * Use in a project's jest.config.cts: `...require('../../libs/persistence/jest.pglite.cjs').pgliteJest`
 * (Jest merges a config's `transform` with its preset's, so the preset's SWC transform stays).
 * Belongs in jest.preset.js; kept here until the shared preset carries it.
 */
const pgliteTransform = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs', ignoreDynamic: false } },
];

const pgliteJestTransform = { '/node_modules/@electric-sql/.+\\.c?js$': pgliteTransform };
const pgliteTransformIgnorePatterns = ['/node_modules/(?!@electric-sql/)'];

const pgliteJest = { transform: pgliteJestTransform, transformIgnorePatterns: pgliteTransformIgnorePatterns };

module.exports = { pgliteJest, pgliteJestTransform, pgliteTransformIgnorePatterns };
