import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction, type HTTPGraphQLRequest } from '@apollo/server';
import type { ErrorCode } from '@lilong/schema';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export class HttpInputError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpInputError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with a GraphQL-shaped error body, for refusals that happen before GraphQL runs. */
export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: ErrorCode | string,
  message: { en: string; zh: string },
  extra: Record<string, unknown> = {},
): void {
  const body = JSON.stringify({ errors: [{ message: message.en, extensions: { code, messageZh: message.zh, ...extra } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Hands one Node HTTP request to an Apollo Server (the integration API of @apollo/server, without express).
 */
export async function executeGraphQLHttp<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: ContextFunction<[], TContext>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = undefined;
  if (req.method === 'POST') {
    const text = await readBody(req);
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new HttpInputError(400, 'request body is not valid JSON');
    }
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
  const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
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

/** Wraps a request handler so that no failure escapes as an unhandled rejection or crashes the process. */
export function safeHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: { error(message: string, error?: unknown): void },
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpInputError) {
        sendGraphQLError(res, error.status, 'BAD_REQUEST', { en: error.message, zh: `请求无效：${error.message}` });
        return;
      }
      log.error('request failed', error);
      sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', { en: 'Internal error.', zh: '内部错误。' });
    });
  };
}
