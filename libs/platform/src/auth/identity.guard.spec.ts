import { Controller, Get, Module, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Identity } from '@leaf/contracts';
import { createServiceApp } from '../bootstrap/create-service-app';
import { AppError } from '../errors/app-error';
import { captureLogger } from '../testing/capture-logger';
import { identityHeaders } from '../testing/identity-headers';
import { CurrentIdentity, Public, RequireRole } from './auth.decorators';
import { IdentityGuard } from './identity.guard';
import { IdentityVerifier } from './identity-verifier';
import { signIdentityToken } from './identity-token';
import { internalIdentityKeyBytes } from './internal-identity-key';
import { REQUEST_ADMISSION, type RequestAdmission } from './request-admission';
import { InternalIdentityAuthenticator, REQUEST_AUTHENTICATOR } from './request-authenticator';

@Controller('things')
class ThingsController {
  @Get()
  list(@CurrentIdentity() identity: Identity) {
    return { subject: identity.subject, clientIds: identity.clientIds };
  }

  @Post()
  @RequireRole('operator')
  create() {
    return { created: true };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }
}

@Module({
  controllers: [ThingsController],
  providers: [
    { provide: IdentityVerifier, useValue: new IdentityVerifier(internalIdentityKeyBytes(undefined)) },
    { provide: REQUEST_AUTHENTICATOR, useClass: InternalIdentityAuthenticator },
    { provide: APP_GUARD, useClass: IdentityGuard },
  ],
})
class GuardedModule {}

describe('IdentityGuard', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createServiceApp(GuardedModule, { service: 'guard-test', logger: captureLogger().logger, bodyLimitBytes: 4096 });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method,
        url,
        headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'POST' ? { payload: '{}' } : {}),
      });

  it('answers 401 problem+json without an identity or with a forged one, and lets @Public() routes through', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { 'x-leaf-identity': 'not-a-jwt' },
      {
        'x-leaf-identity': signIdentityToken(
          { subject: 'x', roles: ['admin'], clientIds: '*', issuer: 'dev' },
          internalIdentityKeyBytes('an-attacker-chosen-key-of-32-chars-or-more'),
        ),
      },
    ]) {
      const res = await call('GET', '/things', headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, instance: `urn:leaf:request:${res.headers['x-request-id']}` });
    }
    expect((await call('GET', '/things/open')).json()).toEqual({ open: true });
  });

  it('hands the verified identity to the handler', async () => {
    const res = await call('GET', '/things', identityHeaders({ subject: 'ana', clientIds: ['acme-health'] }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subject: 'ana', clientIds: ['acme-health'] });
  });

  it('answers 403 FORBIDDEN below the required role and lets a stronger role through', async () => {
    const denied = await call('POST', '/things', identityHeaders({ roles: ['analyst'], clientIds: '*' }));
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'FORBIDDEN']);
    const allowed = await call('POST', '/things', identityHeaders({ roles: ['admin'], clientIds: [] }));
    expect([allowed.statusCode, allowed.json()]).toEqual([201, { created: true }]);
  });
});

describe('IdentityGuard with an admission', () => {
  const admitted: Array<{ subject: string; handler: string }> = [];
  const admission: RequestAdmission = {
    async admit(context, identity) {
      if (identity.subject === 'noisy') throw new AppError('RATE_LIMITED', 'too many read requests; retry after 1 s');
      admitted.push({ subject: identity.subject, handler: context.getHandler().name });
    },
  };

  @Module({
    controllers: [ThingsController],
    providers: [
      { provide: IdentityVerifier, useValue: new IdentityVerifier(internalIdentityKeyBytes(undefined)) },
      { provide: REQUEST_AUTHENTICATOR, useClass: InternalIdentityAuthenticator },
      { provide: REQUEST_ADMISSION, useValue: admission },
      { provide: APP_GUARD, useClass: IdentityGuard },
    ],
  })
  class AdmittingModule {}

  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createServiceApp(AdmittingModule, { service: 'guard-test', logger: captureLogger().logger, bodyLimitBytes: 4096 });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());
  beforeEach(() => admitted.splice(0));

  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method,
        url,
        headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'POST' ? { payload: '{}' } : {}),
      });

  it('admits an authenticated caller with the route in hand, once per request, before the handler', async () => {
    for (let i = 0; i < 2; i++) expect((await call('GET', '/things', identityHeaders({ subject: 'ana', clientIds: '*' }))).statusCode).toBe(200);
    expect(admitted).toEqual([
      { subject: 'ana', handler: 'list' },
      { subject: 'ana', handler: 'list' },
    ]);
  });

  it("answers the admission's refusal as problem+json, and the handler does not run", async () => {
    const res = await call('POST', '/things', identityHeaders({ subject: 'noisy', roles: ['admin'], clientIds: '*' }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('asks nothing of callers refused before it (no identity, too weak a role) nor of public routes', async () => {
    expect((await call('GET', '/things')).statusCode).toBe(401);
    expect((await call('POST', '/things', identityHeaders({ subject: 'ana', roles: ['analyst'], clientIds: '*' }))).statusCode).toBe(403);
    expect((await call('GET', '/things/open')).statusCode).toBe(200);
    expect(admitted).toEqual([]);
  });
});
