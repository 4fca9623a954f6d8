import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAudience, devIssuer, loadOrCreateDevIssuerKeys } from '@leaf/gateway/feature';
import { jwtVerify } from 'jose';
import { mintFromArgs } from './token.cli';

/** Which data dir's key signed `token`, if any of `dirs`. */
async function signerOf(token: string, dirs: Record<string, string>): Promise<string | undefined> {
  for (const [name, dir] of Object.entries(dirs)) {
    const ok = await jwtVerify(token, loadOrCreateDevIssuerKeys(dir).publicKey, { issuer: devIssuer, audience: devAudience }).then(
      () => true,
      () => false,
    );
    if (ok) return name;
  }
  return undefined;
}

describe('npm run token', () => {
  const root = mkdtempSync(join(tmpdir(), 'leaf-token-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // The dev issuer folders as the local stack derives them (`<LEAF_DATA_DIR>/dev-issuer`), or names them.
  const dirs = { a: join(root, 'a', 'dev-issuer'), b: join(root, 'b', 'dev-issuer'), explicit: join(root, 'keys') };

  it('signs with the key of the stack whose data dir it is given', async () => {
    const token = await mintFromArgs(['--client', '*', '--role', 'operator', '--data-dir', join(root, 'a')], { LEAF_DATA_DIR: join(root, 'b') });
    expect(await signerOf(token, dirs)).toBe('a');
  });

  it('without --data-dir, reads the key where the stack started with the same settings keeps it', async () => {
    expect(await signerOf(await mintFromArgs(['--client', '*'], { LEAF_DATA_DIR: join(root, 'b') }), dirs)).toBe('b');
    // An explicit LEAF_DEV_ISSUER_DIR wins over the data dir, as it does for the stack.
    expect(await signerOf(await mintFromArgs(['--client', '*'], { LEAF_DATA_DIR: join(root, 'b'), LEAF_DEV_ISSUER_DIR: dirs.explicit }), dirs)).toBe(
      'explicit',
    );
  });
});
