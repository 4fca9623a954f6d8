import { Controller, Get, Module } from '@nestjs/common';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createServiceApp } from '../bootstrap/create-service-app';
import { captureLogger } from '../testing/capture-logger';
import { startTelemetry } from './start-telemetry';

@Controller('v1')
class PingController {
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

describe('request tracing', () => {
  it('records one server span per request that continues the caller trace and names the request id', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = startTelemetry({ serviceName: 'demo', mode: 'none', spanExporter: exporter });
    const app = await createServiceApp(PingModule, { service: 'demo', logger: captureLogger().logger, bodyLimitBytes: 1024 });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.getHttpServer().address() as { port: number }).port;
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await fetch(`http://127.0.0.1:${port}/v1/ping?sig=SECRET`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-req-1' },
      });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
    // Export happens asynchronously after the span ends; read before shutdown, which clears the exporter.
    for (let i = 0; i < 40 && exporter.getFinishedSpans().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const spans = exporter.getFinishedSpans();
    await telemetry.shutdown();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.name).toBe('GET /v1/ping');
    expect(span.attributes).toMatchObject({ 'leaf.request_id': 'trace-req-1', 'url.path': '/v1/ping', 'http.response.status_code': 200 });
    expect(JSON.stringify(span.attributes)).not.toContain('SECRET');
  });

  it('is a no-op when telemetry is off', () => {
    expect(startTelemetry({ serviceName: 'demo', mode: 'none' }).enabled).toBe(false);
  });
});
