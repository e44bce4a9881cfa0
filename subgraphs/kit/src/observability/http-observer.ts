/**
 * The observability of one HTTP server (the hub's, a node's) in one wrapper around its request handler: every
 * request gets its request ID (echoed in `x-request-id`) and runs in its request context; the routes that count
 * get a server span (with tracing on), and, once answered, their metrics and a debug log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, ROOT_CONTEXT, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { Logger } from '../log';
import { beginRequest, runInRequest, type RequestContext } from './request-context';
import { extractTraceContext, failSpan, remoteTraceIdOf, type Tracing } from './tracing';

export interface ObservedRoute {
  /** The route as labels and span names show it: `/graphql`, `/shops/graphql`, ... (never the raw URL). */
  route: string;
  /** A server span for it (when tracing is on). */
  traced: boolean;
}

export interface HttpObserverOptions {
  tracing: Tracing;
  /** The route a request counts under, or undefined for those not measured (probes, pages, /metrics). */
  routeOf(req: IncomingMessage, path: string): ObservedRoute | undefined;
  /**
   * Called once per measured request, after its answer, with its request context (the operation) and outcome: the
   * code of its first error, or by its status (`ok` below 400, else `ERROR`; 499: the caller left first).
   */
  onServed(route: ObservedRoute, request: RequestContext, seconds: number, outcome: string): void;
  log: Pick<Logger, 'debug'>;
  /** Attributes every server span carries (a node: its community). */
  attributes?: Record<string, string>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function observeRequests(handler: Handler, options: HttpObserverOptions): Handler {
  const { tracing } = options;
  return (req, res) => {
    const request = beginRequest(req, res);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = options.routeOf(req, path);
    if (!route) return runInRequest(request, () => handler(req, res));
    const started = performance.now();
    let span: Span | undefined;
    // The caller's trace, from its headers only (never this process's active context).
    let active: Context = ROOT_CONTEXT;
    if (tracing.enabled && route.traced) {
      const parent = extractTraceContext(req.headers);
      span = tracing.tracer.startSpan(
        `${req.method ?? 'GET'} ${route.route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': req.method ?? 'GET', 'http.route': route.route, 'url.path': path, ...options.attributes },
        },
        parent,
      );
      active = trace.setSpan(parent, span);
    } else if (!tracing.enabled) {
      request.remoteTraceId = remoteTraceIdOf(req.headers);
    }
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const status = res.writableFinished ? res.statusCode : 499;
      const outcome = request.outcome ?? (status < 400 ? 'ok' : 'ERROR');
      if (span) {
        span.setAttribute('http.response.status_code', status);
        if (request.operation) span.setAttribute('graphql.operation.name', request.operation);
        if (outcome !== 'ok') failSpan(span, outcome);
        span.end();
      }
      options.onServed(route, request, seconds, outcome);
      // A line per request, at debug only; in the request's context so it carries its request and trace IDs.
      if (options.log.debug) {
        runInRequest(request, () =>
          context.with(active, () =>
            options.log.debug!('request served', {
              method: req.method,
              route: route.route,
              status,
              durationMs: Math.round(seconds * 10_000) / 10,
              ...(request.operation ? { operation: request.operation } : {}),
              outcome,
              ...(request.error ? { error: request.error } : {}),
            }),
          ),
        );
      }
    });
    return runInRequest(request, () => (span ? context.with(active, () => handler(req, res)) : handler(req, res)));
  };
}
