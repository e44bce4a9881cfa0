/**
 * The structured logger: one JSON line per event on stderr (pino), so stdout stays for what people read. Every line
 * written while a request is served carries its `requestId`, and `trace_id`/`span_id` of the active span (or the
 * caller's trace ID when this process does not trace). Addresses and phone numbers are censored, in fields and in
 * text (observability/redact.ts).
 *
 * LILONG_LOG sets the level: `debug` (adds a line per request served), `info` (the default), `warn`, `error`, or
 * `silent` (errors only, as before levels existed).
 */
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { currentRequest } from './observability/request-context';
import { censorText, REDACT_PATHS, REDACTED } from './observability/redact';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
  /** Lines for following single requests; written only at LILONG_LOG=debug. */
  debug?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The level LILONG_LOG asks for (`silent`: errors only). */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.LILONG_LOG;
  if (raw === 'silent') return 'error';
  return raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error' ? raw : 'info';
}

/** Request and trace IDs of whatever is being served now, for every line. */
function correlation(): Record<string, string> {
  const request = currentRequest();
  const span = trace.getSpanContext(context.active());
  if (span && trace.isSpanContextValid(span)) {
    return request ? { requestId: request.requestId, trace_id: span.traceId, span_id: span.spanId } : { trace_id: span.traceId, span_id: span.spanId };
  }
  if (!request) return {};
  return request.remoteTraceId ? { requestId: request.requestId, trace_id: request.remoteTraceId } : { requestId: request.requestId };
}

/** The fields with their top-level texts censored too (a driver's `detail`, an answer's `error`). */
function censored(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return fields;
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') continue;
    const text = censorText(value);
    if (text !== value) (out ??= { ...fields })[key] = text;
  }
  return out ?? fields;
}

function errorText(error: unknown): unknown {
  if (error instanceof Error) return censorText(error.stack ?? error.message);
  return typeof error === 'string' ? censorText(error) : error;
}

/**
 * @param quiet true: errors only; false: from info; or a level. @default LILONG_LOG
 * @param out where lines go. @default process.stderr
 */
export function createLogger(
  component: string,
  quiet: boolean | LogLevel = logLevelFromEnv(),
  out: { write(line: string): unknown } = process.stderr,
): Logger {
  const level = quiet === true ? 'error' : quiet === false ? 'info' : quiet;
  const log = pino(
    {
      level,
      base: { component },
      // `message`, as lines were written before pino; passed in the object so it comes right after `component`.
      messageKey: '_msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: correlation,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    out as pino.DestinationStream,
  );
  return {
    // Left out below its level, so that callers skip building the line (a line per request served).
    ...(log.isLevelEnabled('debug') ? { debug: (message: string, fields?: Record<string, unknown>) => log.debug({ message: censorText(message), ...censored(fields) }) } : {}),
    info: (message, fields) => log.info({ message: censorText(message), ...censored(fields) }),
    warn: (message, fields) => log.warn({ message: censorText(message), ...censored(fields) }),
    error: (message, error, fields) => log.error({ message: censorText(message), ...censored(fields), error: errorText(error) }),
  };
}
