import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalStack, type LocalStack } from '../stack/start-local-stack';
import { readmeCommands, type ReadmeCommand } from './readme-commands';

const root = resolve(__dirname, '..', '..', '..', '..');

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The README's `readme-check` blocks, run line by line as a newcomer would type them, against a
 * stack started here on its own data folder and ports. What the spec changes in a command is only
 * where things are: `localhost:3000` becomes this stack's gateway, `npm run` runs the repository's
 * scripts from a scratch folder (`npm --prefix <repo> run`, so files land there and not in the
 * checkout), `<Location>` and `rec_…` are the Location and run id the lines above gave.
 */
describe('the README, executed against the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-readme-stack-'));
  const workDir = mkdtempSync(join(tmpdir(), 'leaf-readme-work-'));
  const env = { LEAF_DATA_DIR: dataDir, LEAF_SEED_CLAIMS: '4000', LEAF_PORT_OFFSET: String(30_000 + (process.pid % 5_000)), LOG_LEVEL: 'warn' };
  let stack: LocalStack;
  const vars: Record<string, string> = {};
  let location: string | undefined;
  let runId: string | undefined;

  beforeAll(async () => {
    stack = await startLocalStack(env);
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  const bash = (script: string): Promise<Outcome> =>
    new Promise((done) => {
      const shellEnv = { ...process.env, ...env, ...vars, LEAF_URL: stack.gatewayUrl };
      execFile('bash', ['-c', script], { cwd: workDir, env: shellEnv, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
        done({ exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });

  /** The command as it runs here: the stack's address, the repository's scripts, the ids the lines above gave. */
  function localised(command: string): string {
    const gateway = stack.gatewayUrl.replace(/^http:\/\//, '');
    let out = command
      .replace(/\b(?:http:\/\/)?(?:localhost|127\.0\.0\.1):3000/g, `http://${gateway}`)
      .replace(/\bnpm run\b/g, `npm --prefix ${JSON.stringify(root)} run`);
    if (out.includes('<Location>')) {
      if (!location) throw new Error('<Location> used before an answer gave one');
      out = out.replaceAll('<Location>', location);
    }
    if (out.includes('rec_…')) {
      if (!runId) throw new Error('rec_… used before a command printed a run id');
      out = out.replaceAll('rec_…', runId);
    }
    return out;
  }

  async function runCurl(command: ReadmeCommand): Promise<{ status: number; body: string; headers: string }> {
    const headerFile = join(workDir, `headers-${command.line}`);
    // Only flags that report what happened are added: -sS (no progress, errors kept), -D, -w.
    const script = localised(command.command).replace(/^curl\s/, `curl -sS -D ${headerFile} -w '\\n%{http_code}' `);
    const outcome = await bash(script);
    expect({ line: command.line, exitCode: outcome.exitCode, stderr: outcome.stderr }).toEqual({ line: command.line, exitCode: 0, stderr: '' });
    const lines = outcome.stdout.split('\n');
    return { status: Number(lines.pop()), body: lines.join('\n'), headers: readFileSync(headerFile, 'utf8') };
  }

  function remember(text: string): void {
    runId = /\brec_[a-z0-9]{26}\b/.exec(text)?.[0] ?? runId;
  }

  it('runs every checked command of the README and gets what its comment documents', async () => {
    const commands = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(commands.filter((c) => c.kind === 'curl').length).toBeGreaterThanOrEqual(4);
    for (const command of commands) {
      const what = `README.md:${command.line} ${command.command}`;
      if (command.kind === 'stack') continue; // the stack this spec started
      if (command.kind === 'assign') {
        const outcome = await bash(localised(command.command.replace(/^(?:export\s+)?[A-Z_][A-Z0-9_]*=\$\((.*)\)$/, '$1')));
        expect({ what, exitCode: outcome.exitCode, stderr: outcome.stderr }).toEqual({ what, exitCode: 0, stderr: '' });
        vars[command.variable as string] = outcome.stdout.trim();
        expect(vars[command.variable as string]).not.toBe('');
        continue;
      }
      if (command.kind === 'curl') {
        const deadline = Date.now() + (command.expect.repeat ? 120_000 : 0);
        let answer = await runCurl(command);
        while (command.expect.repeat && Date.now() < deadline && !command.expect.contains.every((t) => answer.body.includes(t))) {
          await new Promise((r) => setTimeout(r, 1_000));
          answer = await runCurl(command);
        }
        expect({ what, status: answer.status }).toEqual({ what, status: command.expect.status ?? expect.any(Number) });
        if (command.expect.status === undefined) expect(answer.status).toBeLessThan(300);
        for (const text of command.expect.contains)
          expect({ what, contains: text, found: answer.body.includes(text) }).toEqual({ what, contains: text, found: true });
        if (command.expect.location) {
          location = /^location:\s*(\S+)/im.exec(answer.headers)?.[1];
          expect({ what, location }).toEqual({ what, location: expect.stringMatching(/^\//) });
        }
        remember(answer.body);
      } else {
        const outcome = await bash(localised(command.command));
        expect({ what, exitCode: outcome.exitCode, stderr: outcome.exitCode === 0 ? '' : outcome.stderr }).toEqual({ what, exitCode: 0, stderr: '' });
        const output = `${outcome.stdout}\n${outcome.stderr}`;
        for (const text of command.expect.contains)
          expect({ what, contains: text, found: output.includes(text) }).toEqual({ what, contains: text, found: true });
        remember(output);
      }
      if (command.expect.saves) {
        const pattern = new RegExp(`^${command.expect.saves.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        expect({ what, saved: readdirSync(workDir).filter((f) => pattern.test(f)) }).toEqual({ what, saved: [expect.any(String)] });
      }
    }
  }, 900_000);
});
