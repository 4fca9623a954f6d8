/** A file as the fake drive holds it. */
export interface FakeDriveFile {
  readonly id: string;
  /** Path under the drive root, e.g. `Contract packets/acme/2025 rate schedule.xlsx`. */
  path: string;
  content: Buffer;
  /** What the drive reports; a test may set a hash that does not match `content` (tampering). */
  quickXorHash: string | null;
  eTag: string;
  version: number;
  seq: number;
  deleted: boolean;
  lastModified: string;
}

export interface FakeGraphRequest {
  readonly at: number;
  readonly method: string;
  readonly host: string;
  /** Path and query as received. */
  readonly url: string;
  readonly status: number;
  readonly authorization: boolean;
}

export type FakeGraphRoute = 'token' | 'delta' | 'content' | 'download';

export interface InjectedFailure {
  route: FakeGraphRoute;
  status: 429 | 503;
  retryAfterSeconds: number;
  times: number;
}
