import { metrics, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';

export type TelemetryMode = 'none' | 'otlp' | 'console';

export interface TelemetryOptions {
  serviceName: string;
  mode: TelemetryMode;
  /** OTLP/HTTP base URL, e.g. the in-cluster collector that forwards to Azure Monitor. */
  otlpEndpoint?: string;
  /** Tests pass an in-memory exporter. */
  spanExporter?: SpanExporter;
}

export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry traces and metrics. Off by default locally (`none` costs nothing: the API
 * returns no-op tracers). In production the services export OTLP to the cluster's collector,
 * which forwards to Azure Monitor / Application Insights.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (options.mode === 'none' && !options.spanExporter) return { enabled: false, shutdown: async () => undefined };
  const base = options.otlpEndpoint?.replace(/\/$/, '');
  // A given exporter (tests) sees each span as it ends; real exporters batch.
  const spanProcessor = options.spanExporter
    ? new SimpleSpanProcessor({ exporter: options.spanExporter })
    : new BatchSpanProcessor({
        exporter: options.mode === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter(base ? { url: `${base}/v1/traces` } : {}),
      });
  const metricReaders =
    options.mode === 'otlp'
      ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(base ? { url: `${base}/v1/metrics` } : {}), exportIntervalMillis: 15_000 })]
      : [];
  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName, 'service.namespace': 'leaf' })),
    spanProcessors: [spanProcessor],
    metricReaders,
    instrumentations: [],
  });
  sdk.start();
  return {
    enabled: true,
    shutdown: async () => {
      await sdk.shutdown();
      // Later tests and restarts in one process must not see a shut-down global provider.
      trace.disable();
      metrics.disable();
    },
  };
}
