// Writes the boilerplate of one Nx project (project.json, tsconfigs, jest, eslint).
// Used once to lay out the workspace; kept so a new service lib looks like the others.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const [, , root, name, kind, tagsCsv] = process.argv;
if (!root || !name || !['app', 'lib'].includes(kind)) {
  console.error('usage: node tools/scaffold/project-files.mjs <root> <name> <app|lib> <tag,tag>');
  process.exit(2);
}
const up = relative(root, '.') || '.';
const tags = (tagsCsv ?? '').split(',').filter(Boolean);
mkdirSync(join(root, 'src'), { recursive: true });
const write = (file, text) => {
  if (!existsSync(join(root, file))) writeFileSync(join(root, file), text);
};
const json = (o) => JSON.stringify(o, null, 2) + '\n';

const project = {
  name,
  $schema: `${up}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${root}/src`,
  projectType: kind === 'app' ? 'application' : 'library',
  tags,
  targets:
    kind === 'app'
      ? {
          build: {
            executor: '@nx/webpack:webpack',
            outputs: ['{options.outputPath}'],
            options: {
              target: 'node',
              compiler: 'tsc',
              outputPath: `dist/${root}`,
              main: `${root}/src/main.ts`,
              tsConfig: `${root}/tsconfig.app.json`,
              webpackConfig: `${root}/webpack.config.js`,
              generatePackageJson: true,
            },
          },
        }
      : {},
};
write('project.json', json(project));
write(
  'tsconfig.json',
  json({
    extends: `${up}/tsconfig.base.json`,
    files: [],
    include: [],
    references: [{ path: kind === 'app' ? './tsconfig.app.json' : './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
  }),
);
write(
  kind === 'app' ? 'tsconfig.app.json' : 'tsconfig.lib.json',
  json({
    extends: './tsconfig.json',
    compilerOptions: { outDir: `${up}/dist/out-tsc`, module: 'commonjs', types: ['node'] },
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'jest.config.cts'],
  }),
);
write(
  'tsconfig.spec.json',
  json({
    extends: './tsconfig.json',
    compilerOptions: { outDir: `${up}/dist/out-tsc`, module: 'commonjs', types: ['jest', 'node'] },
    include: ['jest.config.cts', 'src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/*.d.ts'],
  }),
);
write(
  'jest.config.cts',
  `module.exports = {
  displayName: '${name}',
  preset: '${up}/jest.preset.js',
  coverageDirectory: '${up}/coverage/${root}',
};
`,
);
write(
  'eslint.config.mjs',
  `import baseConfig from '${up}/eslint.config.mjs';

export default [...baseConfig];
`,
);
if (kind === 'app') {
  write(
    'webpack.config.js',
    `const { composePlugins, withNx } = require('@nx/webpack');

// Nx bundles the workspace libs into main.js; node_modules stay external and are
// installed from the generated package.json in the image.
module.exports = composePlugins(withNx(), (config) => config);
`,
  );
}
