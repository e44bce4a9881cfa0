import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { ErrorCode } from '@lilong/schema';
import { outcomeOf } from './observability/metrics';
import { noteOutcome } from './observability/request-context';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Past this much more than the limit, an oversized body is no longer drained politely: the socket is dropped. */
const DRAIN_BYTES = 16 * 1024 * 1024;

export class HttpInputError extends Error {
  constructor(readonly status: number, message: string, readonly zh: string = message) {
    super(message);
  }
}

/**
 * Reads a request body up to `limit` bytes. An oversized body is read to its end and dropped (up to 16 MB more),
 * so the 413 answer reaches the client instead of a reset socket; leaving a `for await` early would destroy it.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () => new HttpInputError(413, `request body larger than ${limit} bytes`, `请求体超过 ${limit} 字节`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit + DRAIN_BYTES) {
        req.destroy();
        reject(tooLarge());
      } else chunks.length = 0;
    });
    req.on('end', () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new HttpInputError(400, 'request body cut off', '请求体不完整'));
    });
  });
}

/** Answers with a JSON body (a GraphQL-shaped one with errors is the request's outcome, for its metrics). */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const errors = (value as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) noteOutcome(outcomeOf(errors), String(errors[0]?.message ?? ''));
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A GraphQL-shaped body of one coded, bilingual error. */
function errorBody(code: ErrorCode | string, message: { en: string; zh: string }, extra: Record<string, unknown> = {}) {
  return { errors: [{ message: message.en, extensions: { code, messageZh: message.zh, ...extra } }] };
}

/** Answers with a GraphQL-shaped error body, for refusals that happen before GraphQL runs. */
export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: ErrorCode | string,
  message: { en: string; zh: string },
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(code, message, extra), headers);
}

/** The request's headers in Apollo's form. */
export function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Reads a POST body as JSON (anything else stays undefined). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await readBody(req);
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    throw new HttpInputError(400, 'request body is not valid JSON', '请求体不是有效的 JSON');
  }
}

/** Writes Apollo's answer to the Node response. */
export async function writeHTTPGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const outHeaders: Record<string, string> = {};
  for (const [key, value] of response.headers) outHeaders[key] = value;
  res.writeHead(response.status ?? 200, outHeaders);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/** A request whose body (and maybe query string) the caller has already read and normalised. */
export interface ReadRequest {
  body: unknown;
  /** @default the request URL's query string */
  search?: string;
}

/**
 * Hands one Node HTTP request to an Apollo Server (the integration API of @apollo/server, without express).
 * Without `read`, the body is read here; with it, `read.body` is what was read (possibly nothing).
 */
export async function executeGraphQLHttp<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: ContextFunction<[], TContext>,
  read?: ReadRequest,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: req.method ?? 'GET',
    headers: headerMapOf(req),
    search: read?.search ?? url.search,
    body: read ? read.body : await readJsonBody(req),
  };
  const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
  await writeHTTPGraphQLResponse(res, response);
}

/** Wraps a request handler so that no failure escapes as an unhandled rejection or crashes the process. */
export function safeHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: { error(message: string, error?: unknown): void },
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (error instanceof HttpInputError) {
        sendGraphQLError(res, error.status, 'BAD_REQUEST', { en: `Bad request: ${error.message}.`, zh: `请求无效：${error.zh}。` }, {}, error.status === 413 ? { connection: 'close' } : {});
        return;
      }
      log.error('request failed', error);
      sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', { en: 'Internal error.', zh: '内部错误。' });
    });
  };
}

/**
 * Answers HTTP-level faults Node detects before any handler runs (headers too large, malformed request lines)
 * with a JSON body and a code, instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const headersTooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = headersTooLarge ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason = headersTooLarge ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    const message = headersTooLarge
      ? { en: 'Bad request: the request headers are too large.', zh: '请求无效：请求头过大。' }
      : status === 408
        ? { en: 'Bad request: the request took too long to arrive.', zh: '请求无效：请求传输超时。' }
        : { en: 'Bad request: the HTTP request is malformed.', zh: '请求无效：HTTP 请求格式错误。' };
    const body = JSON.stringify(errorBody('BAD_REQUEST', message));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
