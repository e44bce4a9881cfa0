/**
 * OpenTelemetry traces, only when asked for: with `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) set,
 * spans go to that collector over OTLP/HTTP in batches; tests hand in an exporter of their own. Otherwise
 * `NO_TRACING`: nothing is created, wrapped or propagated, and nothing costs anything.
 *
 * Context crosses processes in the W3C `traceparent` header only. A node extracts it against ROOT_CONTEXT, never
 * the context active in its process, and uses it for nothing but tracing: not for trust, routing or limits.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

// The SDK, the exporter and the context manager are required only when tracing is turned on: a process that does
// not trace (the default) is spared about 20 MB and 200 ms of start-up loading them.
const sdk = () => require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');

export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Sends the spans still buffered, and stops. */
  shutdown(): Promise<void>;
}

/** No tracing: `enabled` is false and callers skip every span (the tracer is OpenTelemetry's no-op one). */
export const NO_TRACING: Tracing = Object.freeze({
  enabled: false,
  // A provider of its own with no delegate: no-op spans even once the process has a global provider.
  tracer: new ProxyTracerProvider().getTracer('lilong-disabled'),
  shutdown: async () => undefined,
});

export interface TracingOptions {
  /** `service.name` of every span: `lilong-hub`, `lilong-node-<community>`. */
  serviceName: string;
  /** Where spans go. */
  exporter: SpanExporter;
  /**
   * `batch` (production: spans are sent in the background, in batches) or `simple` (each span handed to the exporter
   * as it ends: tests read an in-memory exporter right after a request). @default "batch"
   */
  processor?: 'batch' | 'simple';
  /**
   * Also make this the process's global tracer provider, which libraries that trace through
   * `@opentelemetry/api` use (the hub's @apollo/gateway: its request, plan and fetch spans). One per process.
   * @default false
   */
  global?: boolean;
}

const propagator = new W3CTraceContextPropagator();
let contextManagerRegistered = false;

/**
 * Spans need a context manager to know their parent across awaits. One per process, registered once, the first time
 * any tracing is turned on. AsyncLocalStorage-based: the async-hooks one costs more on every promise.
 */
function ensureContextManager(): void {
  if (contextManagerRegistered) return;
  contextManagerRegistered = true;
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/**
 * Unregisters the process's global tracer provider and context manager (OpenTelemetry keeps them on globalThis).
 * For tests that turned tracing on: without it every later test file in the same process records spans.
 */
export function disableGlobalTracing(): void {
  trace.disable();
  context.disable();
  contextManagerRegistered = false;
}

export function createTracing(options: TracingOptions): Tracing {
  ensureContextManager();
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = sdk();
  const { Resource } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const provider = new BasicTracerProvider({ resource: new Resource({ [ATTR_SERVICE_NAME]: options.serviceName }) });
  provider.addSpanProcessor(options.processor === 'simple' ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(options.exporter));
  if (options.global) trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    tracer: provider.getTracer('lilong'),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Tracing as the environment asks: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * is set (and `OTEL_SDK_DISABLED` is not `true`); then OTLP/HTTP, batched, as the process's global provider. The
 * exporter reads the other standard variables itself (headers, timeout); the sampler follows `OTEL_TRACES_SAMPLER`
 * (default: every trace, or as the caller's `traceparent` says).
 */
export function tracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (env.OTEL_SDK_DISABLED === 'true') return NO_TRACING;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return NO_TRACING;
  // The URL from `env` (the same rule the exporter applies to process.env): the traces endpoint as it is, or /v1/traces under the base one.
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${env.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  return createTracing({ serviceName: env.OTEL_SERVICE_NAME || serviceName, exporter: new OTLPTraceExporter({ url }), global: true });
}

/** Writes `traceparent` (and `tracestate`) of `ctx`'s span into outgoing headers; nothing when no span is recording. */
export function injectTraceHeaders(headers: Record<string, string>, ctx: Context = context.active()): void {
  propagator.inject(ctx, headers, defaultTextMapSetter);
}

/**
 * The caller's trace context from incoming headers, on top of ROOT_CONTEXT: whatever is active in this process (an
 * in-process hub's span, in tests) never leaks in, so a span's parent here proves the header crossed.
 */
export function extractTraceContext(headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** The trace ID a request's `traceparent` names, if valid (for log lines when this process does not trace). */
export function remoteTraceIdOf(headers: IncomingHttpHeaders): string | undefined {
  if (headers.traceparent === undefined) return undefined;
  const spanContext = trace.getSpanContext(extractTraceContext(headers));
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `work` in a CONSUMER span that starts a trace of its own (under ROOT_CONTEXT, whatever is active): work set off
 * by an event rather than by the request that happens to be running, e.g. the hub resolving a live event for a
 * subscriber. The fetches `work` makes are children of it. `outcome` names a failed result (an error code) or
 * undefined. Nothing is created when tracing is off.
 */
export async function inConsumerSpan<T>(tracing: Tracing, name: string, attributes: Attributes, work: () => Promise<T>, outcome: (result: T) => string | undefined = () => undefined): Promise<T> {
  if (!tracing.enabled) return work();
  return tracing.tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, ROOT_CONTEXT, async (span) => {
    try {
      const result = await work();
      const failed = outcome(result);
      if (failed) failSpan(span, failed);
      return result;
    } catch (error) {
      failSpan(span, (error as Error).name || 'Error');
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with a short reason (a code, never a message with values in it). */
export function failSpan(span: Span, reason: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  span.setAttribute('error.type', reason);
}

/** SQL as a span may show it: literals replaced by `?`, at most 2000 characters (values never leave the node). */
export function statementWithoutLiterals(sql: string): string {
  const text = sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\$[\s\S]*?\$\$/g, '?')
    .replace(/(?<![\w$."])-?\b\d+(?:\.\d+)?\b/g, '?');
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export { SpanKind, SpanStatusCode };
export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** An exporter that keeps the spans in memory, for tests and tools that read them in-process. */
export function inMemorySpanExporter(): import('@opentelemetry/sdk-trace-base').InMemorySpanExporter {
  return new (sdk().InMemorySpanExporter)();
}
