import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * The layering of the root ARCHITECTURE.md ("Layers and Nx tags") is only real if lint rejects a wrong-direction import. Each case
 * lints a one-line file as if it lived in the named project, with the workspace's own config.
 */
const workspaceRoot = join(__dirname, '..', '..');
const boundaryRule = '@nx/enforce-module-boundaries';

interface LintResult {
  messages: Array<{ ruleId: string | null; message: string; fatal?: boolean }>;
}

// ESLint loads its flat config with import(), which Jest's VM cannot do: lint in a child process.
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const child = execFile(
    process.execPath,
    [
      join(workspaceRoot, 'node_modules/eslint/bin/eslint.js'),
      '--format',
      'json',
      // The probe is not a file of any tsconfig, so the type-aware parse and rules are switched off
      // for it; the boundary rule needs only the import graph.
      '--parser-options',
      'projectService:false',
      '--rule',
      '@typescript-eslint/no-floating-promises: off',
      '--stdin',
      '--stdin-filename',
      join(workspaceRoot, filePath),
    ],
    { cwd: workspaceRoot, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, maxBuffer: 10 * 1024 * 1024 },
  );
  child.stdin?.end(`${code}\nexport const probe = x;\n`);
  const stdout = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('error', reject);
    // ESLint exits 1 when it reports errors: that is the expected outcome here, not a failure.
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(out) : reject(new Error(`eslint exited ${code}`))));
  });
  const [result] = JSON.parse(stdout) as LintResult[];
  // A probe that did not parse would report no boundary error and pass the "allowed" cases.
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`the probe did not lint: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.ruleId === boundaryRule).map((m) => m.message);
}

describe('module boundaries', () => {
  it('let a feature use the platform', async () => {
    expect(await boundaryErrors('libs/claims-runtime/feature/src/probe.ts', "import { AppError as x } from '@leaf/platform';")).toEqual([]);
  });

  it('reject the platform reaching up into the storage layer', async () => {
    // Storage, not persistence: persistence uses the platform, so a probe importing it is reported
    // as a dependency cycle before the tag rule speaks; storage imports no platform code.
    const errors = await boundaryErrors('libs/platform/src/probe.ts', "import { LAKE as x } from '@leaf/storage';");
    expect(errors.join('\n')).toMatch(/type:platform.*can only depend on libs tagged with "type:contracts"/s);
  });

  it('reject one service importing another service', async () => {
    const errors = await boundaryErrors('libs/gateway/feature/src/probe.ts', "import { ClientsRepository as x } from '@leaf/claims-runtime/data-access';");
    expect(errors.join('\n')).toMatch(/scope:gateway.*can only depend on libs tagged with "scope:gateway", "scope:shared"/s);
  });

  it('reject contracts depending on anything but contracts', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import { AppError as x } from '@leaf/platform';");
    expect(errors).not.toEqual([]);
  });

  it('reject an app importing a data-access lib directly', async () => {
    const errors = await boundaryErrors('apps/claims-runtime/src/probe.ts', "import { ClientsRepository as x } from '@leaf/claims-runtime/data-access';");
    expect(errors).not.toEqual([]);
  });
});
