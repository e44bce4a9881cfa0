/**
 * The two operations `npm run bench -- hundred` measures, as a client sends them, and what a complete answer must
 * hold. Shared with the test that checks them against a running sub-district (hundred/__tests__).
 */
import { STAPLE_TERMS } from './communities';
import type { LoadRequest } from './load';

/** The sub-district query: `searchStock` is `@fanout` without `neighboursOf`, so the hub asks every community. */
export const SEARCH = `query Search($text: String!, $first: Int!) {
  searchStock(text: $text, first: $first) { priceFen available product { name } shop { name community { name } } }
}`;

/** The neighbour-only fan-out: `borrowableVolunteers` is `@fanout(neighboursOf: "task.requestId")`. */
export const BORROW = `query Borrow($task: BorrowableTaskInput!, $first: Int!) {
  borrowableVolunteers(task: $task, first: $first) { community distanceMetres score volunteer { displayName } }
}`;

/**
 * The i-th search: terms and page sizes vary, so that concurrent requests are not identical reads, which the hub
 * would merge into one fetch per community.
 */
export function searchRequest(i: number): LoadRequest {
  return { query: SEARCH, variables: { text: STAPLE_TERMS[i % STAPLE_TERMS.length], first: 20 - (Math.floor(i / STAPLE_TERMS.length) % 5) } };
}

export function checkSearch(data: unknown): string | undefined {
  return (data as { searchStock?: unknown[] }).searchStock?.length ? undefined : 'no stock found';
}

/** A dispatcher of a community, asking for volunteers near one of its compounds. */
export interface BorrowOrigin {
  code: string;
  lat: number;
  lng: number;
  /** The community's neighbours in the hub's directory. */
  neighbours: ReadonlySet<string>;
  /** A bearer token of the community's dispatcher. */
  token: string;
}

/**
 * The i-th request of a dispatcher: a medicine pick-up starting in half an hour (volunteers on duty now count),
 * for another care request each time (the hub routes by the request's community; the neighbours' nodes never look
 * the request up).
 */
export function borrowRequest(origin: BorrowOrigin, i: number, now = Date.now()): LoadRequest {
  const start = now + 30 * 60_000;
  return {
    query: BORROW,
    token: origin.token,
    variables: {
      first: 5,
      task: {
        requestId: `${origin.code}:CareRequest:${1 + i}`,
        lat: origin.lat,
        lng: origin.lng,
        kind: 'MEDICINE_PICKUP',
        windowStart: new Date(start).toISOString(),
        windowEnd: new Date(start + 3_600_000).toISOString(),
      },
    },
  };
}

/** Wrong when no volunteer is offered, or one of a community that is not the origin's neighbour. */
export function checkBorrow(origin: BorrowOrigin, data: unknown): string | undefined {
  const list = (data as { borrowableVolunteers?: { community: string }[] }).borrowableVolunteers ?? [];
  if (list.length === 0) return 'no borrowable volunteer';
  const stray = list.find((v) => !origin.neighbours.has(v.community));
  return stray ? `a volunteer of ${stray.community}, not a neighbour of ${origin.code}` : undefined;
}
