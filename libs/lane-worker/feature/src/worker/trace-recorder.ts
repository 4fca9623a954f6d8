import { context, trace, SpanStatusCode, TraceFlags, type Span } from '@opentelemetry/api';
import type { TaskSpan } from '@leaf/contracts';
import { newSpanId } from '@leaf/task-ledger';

const tracer = trace.getTracer('leaf.lane-worker');

/**
 * Spans of one attempt: exported through OpenTelemetry (when telemetry is on) under the task's
 * trace id, and kept as a summary the ledger stores with the attempt's outcome.
 */
export class TraceRecorder {
  readonly spans: TaskSpan[] = [];
  private readonly stack: string[] = [];

  constructor(
    private readonly traceId: string,
    private readonly attempt: number,
  ) {}

  async span<T>(name: string, attributes: Record<string, string | number | boolean>, work: () => Promise<T>): Promise<T> {
    const spanId = newSpanId();
    const parentSpanId = this.stack[this.stack.length - 1] ?? null;
    const parent = trace.setSpanContext(context.active(), {
      traceId: this.traceId,
      spanId: parentSpanId ?? '0000000000000001',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const otel: Span = tracer.startSpan(name, { attributes: { ...attributes, 'leaf.task.attempt': this.attempt } }, parent);
    const startedAt = new Date();
    const started = performance.now();
    this.stack.push(spanId);
    let status: TaskSpan['status'] = 'ok';
    try {
      return await context.with(trace.setSpan(parent, otel), work);
    } catch (error) {
      status = 'error';
      otel.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      this.stack.pop();
      otel.end();
      this.spans.push({
        spanId,
        parentSpanId,
        name,
        attempt: this.attempt,
        startedAt: startedAt.toISOString(),
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        status,
        attributes,
      });
    }
  }
}
