import { connect } from 'node:net';
import { Controller, Get, Module, Param } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '../bootstrap/create-service-app';
import { captureLogger } from '../testing/capture-logger';

@Controller('v1/items')
class ItemsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

@Module({ controllers: [ItemsController] })
class ItemsModule {}

/** Sends bytes as they are (fetch would refuse most of these) and returns the raw answer. */
const raw = (port: number, request: string) =>
  new Promise<string>((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const timer = setTimeout(() => socket.destroy(), 3000);
    const done = () => {
      clearTimeout(timer);
      resolve(answer);
    };
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', done);
  });

const parse = (answer: string) => {
  const [head, body] = [answer.slice(0, answer.indexOf('\r\n\r\n')), answer.slice(answer.indexOf('\r\n\r\n') + 4)];
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
};

describe('answers at the HTTP edge', () => {
  let app: NestFastifyApplication;
  let port: number;
  beforeAll(async () => {
    app = await createServiceApp(ItemsModule, { service: 'edge', logger: captureLogger().logger, bodyLimitBytes: 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it('answers a URL longer than the header limit with 414 problem+json that does not echo it', async () => {
    const marker = 'secret-looking-marker-'.repeat(1000);
    const answer = parse(await raw(port, `GET /v1/items/${marker} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect([answer.status, answer.body['code'], answer.body['status']]).toEqual([414, 'URI_TOO_LONG', 414]);
    expect(answer.head).toContain('content-type: application/problem+json');
    expect(JSON.stringify(answer.body)).not.toContain('secret-looking-marker');
  });

  it("answers a path segment over the router's limit with 414 problem+json that does not echo it", async () => {
    const answer = parse(await raw(port, `GET /v1/items/${'marker'.repeat(40)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    expect([answer.status, answer.body['code'], answer.body['detail']]).toEqual([414, 'URI_TOO_LONG', 'a path segment is too long']);
    expect(answer.head).toContain('application/problem+json');
    expect(JSON.stringify(answer.body)).not.toContain('marker');
  });

  it('answers oversized headers with 431 problem+json, and garbage with 400 problem+json', async () => {
    const big = parse(await raw(port, `GET /v1/items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'marker'.repeat(4000)}\r\n\r\n`));
    expect([big.status, big.body['code']]).toEqual([431, 'HEADERS_TOO_LARGE']);
    expect(big.head).toContain('application/problem+json');
    expect(JSON.stringify(big.body)).not.toContain('marker');
    const garbage = parse(await raw(port, 'NOT HTTP AT ALL marker\r\n\r\n'));
    expect([garbage.status, garbage.body['code']]).toEqual([400, 'BAD_REQUEST']);
    expect(JSON.stringify(garbage.body)).not.toContain('marker');
  });
});
