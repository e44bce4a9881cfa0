/**
 * The console's only way to the hub: its public GraphQL API on the page's own origin, as any partner app would use
 * it. `POST /graphql` for queries, `POST /graphql/stream` (GraphQL over SSE, distinct connections) for live events.
 */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; community?: string; messageZh?: string; [key: string]: unknown };
}

export interface Answer<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

/** A request the hub refused as a whole (no token, a bad one, rate limit...), with its code and both messages. */
export class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }
}

/** How many GraphQL requests this page has sent (the bench and the tests read it from `window`). */
export const requestCounter = { queries: 0, subscriptions: 0 };
declare global {
  interface Window {
    /** firstRenderMs: the first answer's tables drawn; chartsMs: the first chart drawn (its code arrived later). */
    __lilongConsole?: typeof requestCounter & { firstRenderMs?: number; chartsMs?: number };
  }
}
window.__lilongConsole = requestCounter;

const TIMEOUT_MS = 15_000;

export async function graphql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  requestCounter.queries += 1;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  let body: Answer<T> | undefined;
  try {
    body = (await response.json()) as Answer<T>;
  } catch {
    throw new RequestFailed(response.status, 'BAD_RESPONSE', `The hub answered ${response.status}`, `枢纽返回 ${response.status}`);
  }
  if (!response.ok && !body?.data) {
    const first = body?.errors?.[0];
    throw new RequestFailed(
      response.status,
      first?.extensions?.code ?? `HTTP_${response.status}`,
      first?.message ?? `The hub answered ${response.status}`,
      first?.extensions?.messageZh ?? `枢纽返回 ${response.status}`,
    );
  }
  return body ?? {};
}

export interface Subscription {
  close(): void;
}

/**
 * One subscription over SSE. `onResult` gets each result (data or errors, e.g. COMMUNITY_UNAVAILABLE while the
 * community's node is down: the stream stays open); `onEnd` when the stream ends or fails, so the caller can
 * subscribe again with the last event's ID.
 */
export function subscribe<T>(
  token: string,
  query: string,
  variables: Record<string, unknown>,
  onResult: (answer: Answer<T>) => void,
  onEnd: (error?: unknown) => void,
): Subscription {
  const controller = new AbortController();
  requestCounter.subscriptions += 1;
  void (async () => {
    try {
      const response = await fetch('/graphql/stream', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end: number;
        // An SSE message ends with a blank line; a message carries `event:` and `data:` lines.
        while ((end = buffered.search(/\r?\n\r?\n/)) >= 0) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
          const { event, data } = parseMessage(message);
          if (event === 'complete') {
            onEnd();
            return;
          }
          if (event === 'next' && data) onResult(JSON.parse(data) as Answer<T>);
        }
      }
      onEnd();
    } catch (error) {
      if (!controller.signal.aborted) onEnd(error);
    }
  })();
  return { close: () => controller.abort() };
}

function parseMessage(message: string): { event: string; data: string } {
  let event = 'message';
  const data: string[] = [];
  for (const line of message.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.join('\n') };
}
