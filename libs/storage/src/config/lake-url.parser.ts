import { fileURLToPath } from 'node:url';
import { LakeError } from '../errors/lake.error';
import { parseLakeConfig, type LakeConfig } from './lake-config.schema';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function invalid(reason: string): LakeError {
  // The URL itself is not repeated: a mistyped secret pasted into it must not reach a log.
  return new LakeError('LAKE_CONFIG_INVALID', `invalid lake URL: ${reason}`);
}

function parseFileUrl(url: string): LakeConfig {
  const rest = url.slice('file:'.length);
  if (rest.startsWith('//')) {
    try {
      return parseLakeConfig({ kind: 'filesystem', root: fileURLToPath(url) });
    } catch {
      throw invalid('file URL must be file:<relative path> or file:///<absolute path>');
    }
  }
  if (rest === '') throw invalid('file URL must name a folder');
  return parseLakeConfig({ kind: 'filesystem', root: decodeURIComponent(rest) });
}

function parseBlobUrl(url: string): LakeConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('azure-blob URL must be azure-blob://<account>.blob.core.windows.net/<container>');
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw invalid('azure-blob URL must not carry credentials, a query (SAS) or a fragment');
  }
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  // Emulators (Azurite) use path-style URLs: http://127.0.0.1:10000/<account>/<container>.
  const pathStyle = segments.length === 2;
  if (segments.length !== 1 && !pathStyle) {
    throw invalid('azure-blob URL path must be /<container> (or /<account>/<container> for an emulator)');
  }
  const scheme = LOOPBACK.has(parsed.hostname) ? 'http' : 'https';
  const accountUrl = `${scheme}://${parsed.host}${pathStyle ? `/${segments[0]}` : ''}`;
  return parseLakeConfig({ kind: 'azure-blob', accountUrl, container: segments[segments.length - 1] });
}

/**
 * `file:.data/lake` (relative to the working directory), `file:///srv/lake`, or
 * `azure-blob://<account>.blob.core.windows.net/<container>` (authenticated with a credential, never
 * with a key or SAS in the URL).
 */
export function parseLakeUrl(url: string): LakeConfig {
  if (typeof url !== 'string' || url.length === 0) throw invalid('empty');
  if (url.startsWith('file:')) return parseFileUrl(url);
  if (url.startsWith('azure-blob://')) return parseBlobUrl(url);
  throw invalid('scheme must be file: or azure-blob://');
}
