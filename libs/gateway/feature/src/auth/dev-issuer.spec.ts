import { mkdtempSync, readdirSync, rmSync, type WriteFileOptions } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devIssuerDirOf, devIssuerKeyFileName, loadOrCreateDevIssuerKeys } from './dev-issuer';

describe('dev issuer key pair', () => {
  const root = mkdtempSync(join(tmpdir(), 'leaf-dev-issuer-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  it('is kept in <data dir>/dev-issuer and read back unchanged', () => {
    const dir = devIssuerDirOf(join(root, 'data'));
    expect(dir).toBe(join(root, 'data', 'dev-issuer'));
    const first = loadOrCreateDevIssuerKeys(dir);
    expect(loadOrCreateDevIssuerKeys(dir).kid).toBe(first.kid);
    expect(readdirSync(dir)).toEqual([devIssuerKeyFileName]);
  });

  it('never leaves a partial key file behind: a start that failed while writing it is followed by one that works', () => {
    const dir = join(root, 'interrupted');
    // The module object itself (a namespace import is a copy the code under test does not read).
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const write = fs.writeFileSync;
    // The disk fills up half-way through the PEM: the first start fails...
    jest.spyOn(fs, 'writeFileSync').mockImplementationOnce((file, data, options) => {
      write(file, String(data).slice(0, 40), options as WriteFileOptions);
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => loadOrCreateDevIssuerKeys(dir)).toThrow('no space left on device');
    expect(readdirSync(dir)).toEqual([]);
    // ...and the next one creates a whole key instead of choking on half of one.
    jest.restoreAllMocks();
    expect(loadOrCreateDevIssuerKeys(dir).kid).toMatch(/^dev-/);
    expect(readdirSync(dir)).toEqual([devIssuerKeyFileName]);
  });
});
