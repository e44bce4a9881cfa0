/**
 * What is known of the request being served, wherever its work runs: its request ID (for log lines), and what the
 * metrics record when it ends (the operation it ran and how it came out). Held in an AsyncLocalStorage for the
 * whole of its handling, like the request's budget (`budget.ts`), so that a log line written deep in a service
 * carries the request ID without being handed it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header a request ID travels in: accepted from the caller, echoed in the answer, passed on hub -> node. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A request ID we take from a caller: printable, no spaces or quotes, at most 128 characters (UUIDs, ULIDs,
 * load balancers' `Root=1-...` IDs). Anything else is replaced by one of our own, so a caller cannot write
 * arbitrary text into the logs.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

export interface RequestContext {
  readonly requestId: string;
  /** The operation it ran, as the GraphQL layer named it (not yet normalised for a metric label). */
  operation?: string;
  /** How it came out: `ok`, or the code of its first error. Set once, by the first to know. */
  outcome?: string;
  /** The message of the first error, when it did not come out ok (for the request's debug log line, censored there). */
  error?: string;
  /**
   * The trace ID the caller's `traceparent` named, for log lines when this process does not trace itself: logs of
   * the hub and of its nodes still join up. Never used for anything else.
   */
  remoteTraceId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value);
}

/** The caller's request ID when it is a sane one, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return isSaneRequestId(given) ? given : randomUUID();
}

/** The request being served here, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` as part of `request`: `currentRequest()` answers it throughout, across awaits. */
export function runInRequest<T>(request: RequestContext, work: () => T): T {
  return storage.run(request, work);
}

/**
 * Starts serving an HTTP request: picks its request ID and echoes it in the answer's `x-request-id` header
 * (set now, so every answer carries it, whichever code path writes it).
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse): RequestContext {
  const request: RequestContext = { requestId: requestIdOf(req) };
  res.setHeader(REQUEST_ID_HEADER, request.requestId);
  return request;
}

/** Records how the current request came out, unless something closer to the cause already did. */
export function noteOutcome(outcome: string, error?: string): void {
  const request = storage.getStore();
  if (!request || request.outcome !== undefined) return;
  request.outcome = outcome;
  if (error !== undefined) request.error = error.slice(0, 1000);
}

/** Records the operation the current request ran. */
export function noteOperation(name: string | null | undefined): void {
  const request = storage.getStore();
  if (request && name) request.operation = name;
}
