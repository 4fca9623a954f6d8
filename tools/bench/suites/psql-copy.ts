import { spawn } from 'node:child_process';

/**
 * Times `psql -c "\copy claims FROM '<file>' WITH (FORMAT csv, HEADER)"`: the stock client
 * streaming a ready-made file, i.e. what COPY costs with no generator in front of it.
 */
export function psqlCopy(databaseUrl: string, table: string, csvPath: string, columns?: readonly string[]): Promise<{ rows: number; ms: number }> {
  const command = `\\copy ${table}${columns ? ` (${columns.join(', ')})` : ''} FROM '${csvPath.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER)`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const copied = /COPY (\d+)/.exec(stdout);
      if (code !== 0 || !copied) reject(new Error(`psql \\copy failed (exit ${code}): ${stderr.trim()}`));
      else resolve({ rows: Number(copied[1]), ms });
    });
  });
}
