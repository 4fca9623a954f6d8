import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Client } from 'pg';
import { parseDatabaseUrl } from '../config/parse-database-url';
import type { PostgresDatabaseConfig } from '../config/database-config';
import { isPersistenceError } from '../errors/persistence.error';
import { postgresConnectionOptions } from './create-data-source';
import { entraPasswordProvider, entraTokenRefreshMarginMs, postgresEntraScope } from './entra-password';

/** A credential that hands out numbered tokens valid for `lifetimeMs` from its clock. */
class CountingCredential implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs = 60 * 60_000,
  ) {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: `entra-token-${this.scopes.length}`, expiresOnTimestamp: this.now() + this.lifetimeMs };
  }
}

/**
 * Just enough of the PostgreSQL wire protocol to demand a cleartext password at sign-in and
 * record it: startup, AuthenticationCleartextPassword, PasswordMessage, AuthenticationOk,
 * ReadyForQuery. Local PostgreSQL uses trust auth, so it would never ask for the token at all.
 */
async function passwordRecordingServer(): Promise<{ server: Server; port: number; passwords: string[]; users: string[] }> {
  const passwords: string[] = [];
  const users: string[] = [];
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const server = createServer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
          const length = buffer.readInt32BE(0);
          const fields = buffer.subarray(8, length).toString('utf8').split('\0');
          users.push(fields[fields.indexOf('user') + 1] ?? '');
          buffer = buffer.subarray(length);
          started = true;
          socket.write(message('R', int32(3)));
          continue;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const length = buffer.readInt32BE(1);
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === 'p') {
          passwords.push(body.toString('utf8').replace(/\0$/, ''));
          socket.write(Buffer.concat([message('R', int32(0)), message('Z', Buffer.from('I'))]));
        } else if (type === 'X') {
          socket.end();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, passwords, users };
}

describe('Microsoft Entra sign-in to PostgreSQL', () => {
  it('gets a token for the Azure Database for PostgreSQL scope and reuses it only while it has more than the margin left', async () => {
    const clock = { now: 1_000_000 };
    const credential = new CountingCredential(() => clock.now);
    const password = entraPasswordProvider(credential, () => clock.now);

    expect(await password()).toBe('entra-token-1');
    clock.now += 60 * 60_000 - entraTokenRefreshMarginMs - 1;
    expect(await password()).toBe('entra-token-1');
    clock.now += 2;
    expect(await password()).toBe('entra-token-2');
    expect(credential.scopes).toEqual([postgresEntraScope, postgresEntraScope]);
  });

  it('fails with a typed error that carries neither the token nor the credential answer', async () => {
    const failing: TokenCredential = { getToken: async () => Promise.reject(new Error('AADSTS700016: app not found')) };
    const error = await entraPasswordProvider(failing)().catch((e: unknown) => e);
    expect(isPersistenceError(error) && error.code).toBe('PERSISTENCE_AUTH_FAILED');
    expect((error as Error).message).not.toContain('AADSTS');
    const empty: TokenCredential = { getToken: async () => null };
    expect(isPersistenceError(await entraPasswordProvider(empty)().catch((e: unknown) => e))).toBe(true);
  });

  it('reads authentication=azure-default from the URL and refuses a password or a missing principal beside it', () => {
    expect(
      parseDatabaseUrl('postgres://leaf-claims-runtime@leaf.postgres.database.azure.com/leaf?authentication=azure-default&clientId=abc&sslmode=require'),
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://leaf-claims-runtime@leaf.postgres.database.azure.com/leaf?sslmode=require',
      authentication: 'azure-default',
      clientId: 'abc',
    });
    expect(() => parseDatabaseUrl('postgres://u:secret@db/leaf?authentication=azure-default')).toThrow(/takes no password/);
    expect(() => parseDatabaseUrl('postgres://db/leaf?authentication=azure-default')).toThrow(/Entra principal/);
    expect(() => parseDatabaseUrl('postgres://u@db/leaf?authentication=kerberos')).toThrow(/password or azure-default/);
  });

  it('signs each new pg connection in with a token, and a fresh one once the old one is near expiry', async () => {
    const { server, port, passwords, users } = await passwordRecordingServer();
    // Tokens that fall inside the refresh margin half a second after they are issued.
    const credential = new CountingCredential(Date.now, entraTokenRefreshMarginMs + 500);
    const config = parseDatabaseUrl(
      `postgres://leaf-claims-runtime@127.0.0.1:${port}/leaf?authentication=azure-default&sslmode=disable`,
    ) as PostgresDatabaseConfig;
    const options = postgresConnectionOptions(config, credential);
    expect(options.url).toBeUndefined();
    expect(options.ssl).toBe(false);
    const connect = async () => {
      const client = new Client({
        host: options.host,
        port: options.port,
        user: options.username,
        database: options.database,
        password: options.password,
        ssl: false,
      });
      await client.connect();
      await client.end();
    };
    try {
      await connect();
      await connect();
      await new Promise((resolve) => setTimeout(resolve, 700));
      await connect();
      expect(users).toEqual(['leaf-claims-runtime', 'leaf-claims-runtime', 'leaf-claims-runtime']);
      expect(passwords).toEqual(['entra-token-1', 'entra-token-1', 'entra-token-2']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps password URLs whole', () => {
    expect(postgresConnectionOptions(parseDatabaseUrl('postgres://u:p@db/leaf') as PostgresDatabaseConfig)).toEqual({ url: 'postgres://u:p@db/leaf' });
  });
});
