import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Caller, Logger } from '@lilong/kit/src/hub';
import { HttpInputError, readBody, sendGraphQLError } from '@lilong/kit/src/hub';
import { lilongError } from '@lilong/schema';
import { validate, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { OperationGuard } from '../guard/operation-guard';
import type { LiveContext, LiveEvents } from './live';

/** What both transports need from the hub. */
export interface LiveTransportOptions {
  live: LiveEvents;
  schema: () => GraphQLSchema | undefined;
  guard: OperationGuard;
  /** The caller of a token (`Authorization` header value), or the refusal. */
  authenticate: (authorization: string | undefined) => Promise<Caller | GraphQLError>;
  /** How a query runs for this caller through the hub's normal path. */
  contextFor: (caller: Caller) => LiveContext;
  /** The caller's turn under the hub's per-caller rate limit: seconds to wait, 0 to go on. */
  rateLimit: (req: IncomingMessage, caller: Caller) => Promise<number>;
  log: Logger;
}

/** Most bytes of one subscribe request (a document and its variables). */
const MAX_SUBSCRIBE_BYTES = 64 * 1024;

type Prepared = { ok: true; args: ExecutionArgs & { contextValue: LiveContext } } | { ok: false; errors: readonly GraphQLError[] };

/** Checks a subscribe request as the hub checks every operation: its guard, then the schema's rules. */
function prepare(options: LiveTransportOptions, caller: Caller, params: { query?: unknown; variables?: unknown; operationName?: unknown }): Prepared {
  const schema = options.schema();
  if (!schema) return { ok: false, errors: [lilongError('COMMUNITY_UNAVAILABLE', { en: 'The hub is still starting; subscribe again in a moment.', zh: '枢纽仍在启动，请稍后再订阅。' })] };
  if (typeof params.query !== 'string') return { ok: false, errors: [lilongError('BAD_REQUEST', { en: 'Bad request: the subscription needs a query string.', zh: '请求无效：订阅须包含 query 字符串。' })] };
  const verdict = options.guard.check(schema, params.query, params.operationName, 'live');
  if (!verdict.ok) return { ok: false, errors: verdict.errors };
  const invalid = validate(schema, verdict.document);
  if (invalid.length > 0) {
    return { ok: false, errors: invalid.map((e) => lilongError('GRAPHQL_VALIDATION_FAILED', { en: e.message, zh: '订阅与接口定义不符。' })) };
  }
  const variables = params.variables && typeof params.variables === 'object' ? (params.variables as Record<string, unknown>) : {};
  return {
    ok: true,
    args: { schema, document: verdict.document, operationName: verdict.operation.name?.value, variableValues: variables, contextValue: options.contextFor(caller) },
  };
}

/**
 * GraphQL over SSE (graphql-sse, its "distinct connections" mode): `POST /graphql/stream` with `Accept:
 * text/event-stream` and the bearer token in `Authorization`; each result is a `next` event, the end a `complete`.
 */
export function sseHandler(options: LiveTransportOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const callers = new WeakMap<IncomingMessage, Caller>();
  const handler = createSseHandler<IncomingMessage, { res: ServerResponse }, LiveContext>({
    // One stream per subscription; no reserved streams (a token of graphql-sse's own would be a second credential).
    authenticate: () => null,
    onSubscribe: (req, params) => {
      const prepared = prepare(options, callers.get(req.raw)!, params);
      // graphql-sse takes a result for one only with its `data` (null here).
      if (!prepared.ok) return { data: null, errors: prepared.errors } as ExecutionResult;
      return prepared.args;
    },
    subscribe: (args) => options.live.subscribe(args),
    execute: () => ({ errors: [lilongError('OPERATION_NOT_SUPPORTED', { en: 'Only subscriptions are served here.', zh: '此处只提供订阅。' })] }),
  });
  return async (req, res) => {
    const caller = await options.authenticate(req.headers.authorization);
    if (!('grants' in caller)) {
      sendGraphQLError(res, 401, 'UNAUTHENTICATED', { en: caller.message, zh: String(caller.extensions.messageZh) }, { reason: caller.extensions.reason });
      req.resume();
      return;
    }
    if ((req.headers.accept ?? '') !== 'text/event-stream' || req.method !== 'POST') {
      req.resume();
      sendGraphQLError(res, 400, 'BAD_REQUEST', {
        en: 'Bad request: subscribe with POST, Accept: text/event-stream and a JSON body { query, variables } (GraphQL over SSE).',
        zh: '请求无效：请用 POST、Accept: text/event-stream 和 JSON 正文 { query, variables } 订阅（GraphQL over SSE）。',
      });
      return;
    }
    const wait = await options.rateLimit(req, caller);
    if (wait > 0) {
      req.resume();
      sendGraphQLError(res, 429, 'RATE_LIMITED', { en: `Too many requests; retry in ${wait} s.`, zh: `请求过于频繁，请 ${wait} 秒后重试。` }, { retryAfterSeconds: wait }, { 'retry-after': String(wait) });
      return;
    }
    // A refused body (too large, not JSON) is answered 4xx by the hub's handler, as on /graphql.
    const text = await readBody(req, MAX_SUBSCRIBE_BYTES);
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      throw new HttpInputError(400, 'request body is not valid JSON', '请求体不是有效的 JSON');
    }
    callers.set(req, caller);
    const [stream, init] = await handler({
      method: req.method,
      url: req.url ?? '/',
      headers: { get: (name: string) => (Array.isArray(req.headers[name]) ? (req.headers[name] as string[]).join(', ') : (req.headers[name] as string | undefined)) ?? null },
      body: JSON.stringify(body ?? {}),
      raw: req,
      context: { res },
    });
    res.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
    if (!stream || typeof stream === 'string') {
      res.end(stream ?? undefined);
      return;
    }
    res.once('close', () => void stream.return(undefined));
    res.flushHeaders();
    for await (const chunk of stream) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  };
}

/**
 * GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) at `/graphql`: the token in the
 * connection's `connectionParams.authorization` (browsers cannot set headers on a WebSocket) or the upgrade
 * request's `Authorization` header.
 */
export function webSocketServer(options: LiveTransportOptions): { upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void; close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SUBSCRIBE_BYTES });
  const callers = new WeakMap<object, Caller>();
  const server = useServer<Record<string, unknown> | undefined, { request: IncomingMessage }>(
    {
      onConnect: async (ctx) => {
        const given = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization ?? ctx.extra.request.headers.authorization;
        const caller = await options.authenticate(typeof given === 'string' ? given : undefined);
        if (!('grants' in caller)) return false;
        callers.set(ctx, caller);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const prepared = prepare(options, callers.get(ctx)!, payload);
        return prepared.ok ? prepared.args : [...prepared.errors];
      },
      subscribe: (args) => options.live.subscribe(args as never),
    },
    wss,
  );
  // A ping every 20 s keeps idle subscribers' connections open through proxies; one that missed the last pong is gone.
  const alive = new WeakSet<object>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, 20_000);
  pinger.unref();
  return {
    upgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
    close: async () => {
      clearInterval(pinger);
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
