import type { GraphQLError } from './api';
import type { CommunityData, Pool } from './queries';

/** One refresh's answer, as every panel reads it. */
export interface Snapshot {
  /** When the answer came (ms since the epoch). */
  at: number;
  /** The communities the view covers, by code, in the directory's order. */
  scope: string[];
  /** Each community's data by code; absent when its entry did not come back at all. */
  byCode: Map<string, CommunityData>;
  pools: Pool[] | null;
  errors: GraphQLError[];
  /** Communities whose live events say their node is down now (since the last answer). */
  liveDown: Set<string>;
}

export type CommunityField = Exclude<keyof CommunityData, 'code' | 'name' | 'nameEn' | 'status' | 'statusDetail'>;

/** The community field an error's path points into: `communities[i].<field>` or `community.<field>`. */
const fieldOf = (path: (string | number)[] | undefined): string | undefined =>
  path ? (path[0] === 'communities' ? (path[2] as string | undefined) : path[0] === 'community' ? (path[1] as string | undefined) : undefined) : undefined;

const communityOf = (snapshot: Snapshot, error: GraphQLError): string | undefined => {
  if (typeof error.extensions?.community === 'string') return error.extensions.community;
  const path = error.path;
  if (path?.[0] === 'communities' && typeof path[1] === 'number') return snapshot.scope[path[1]];
  if (path?.[0] === 'community') return snapshot.scope[0];
  return undefined;
};

/** Whether the caller may not see this field in a community (a FORBIDDEN error on it). */
export function isForbidden(snapshot: Snapshot, code: string, field: CommunityField): boolean {
  return snapshot.errors.some((e) => e.extensions?.code === 'FORBIDDEN' && fieldOf(e.path) === field && communityOf(snapshot, e) === code);
}

/**
 * The communities a panel built from `field` lacks: not in the answer, not answering, the field null (a node down or
 * slow), or named by a COMMUNITY_UNAVAILABLE error on the field. A FORBIDDEN field is not missing: it is not the
 * caller's to see.
 */
export function missingFor(snapshot: Snapshot, field: CommunityField): string[] {
  return snapshot.scope.filter((code) => {
    const data = snapshot.byCode.get(code);
    if (!data || !answers(data.status) || snapshot.liveDown.has(code)) return true;
    if (data[field] === null && !isForbidden(snapshot, code, field)) return true;
    return snapshot.errors.some((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE' && e.extensions.community === code && fieldOf(e.path) === field);
  });
}

/**
 * Whether the hub serves the community: ACTIVE, or DEGRADED (a subgraph of its node is on an incompatible release:
 * only that subgraph's fields are missing, and the panels see them null like any missing field).
 */
export const answers = (status: CommunityData['status']): boolean => status === 'ACTIVE' || status === 'DEGRADED';

/** Whether the field is forbidden in every community of the view (the panel then says so). */
export const forbiddenEverywhere = (snapshot: Snapshot, field: CommunityField) =>
  snapshot.scope.length > 0 && snapshot.scope.every((code) => isForbidden(snapshot, code, field));

/** The communities the sub-district-wide pool list lacks: named by an error on it, or down. */
export function missingPools(snapshot: Snapshot): string[] {
  const named = new Set(
    snapshot.errors.filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE' && (!e.path || e.path[0] === 'openPools')).map((e) => e.extensions?.community as string),
  );
  return [...new Set([...snapshot.byCode.keys(), ...snapshot.scope])].filter(
    (code) => named.has(code) || snapshot.liveDown.has(code) || !answers(snapshot.byCode.get(code)?.status ?? 'ACTIVE'),
  );
}

/** Every community's value of a field, for those that have it, with the community's code. */
export function each<F extends CommunityField>(snapshot: Snapshot, field: F): { code: string; value: NonNullable<CommunityData[F]> }[] {
  const out: { code: string; value: NonNullable<CommunityData[F]> }[] = [];
  for (const code of snapshot.scope) {
    const value = snapshot.byCode.get(code)?.[field];
    if (value !== null && value !== undefined) out.push({ code, value: value as NonNullable<CommunityData[F]> });
  }
  return out;
}

/** What a panel built from one field says above its figures: the communities it lacks, and whether it is not the caller's to see. */
export const fieldState = (snapshot: Snapshot, field: CommunityField) => ({ missing: missingFor(snapshot, field), forbidden: forbiddenEverywhere(snapshot, field) });

/**
 * Group orders formed and failed per day across the view: each order lives with its merchant's community, so the
 * communities' days add up with nothing counted twice. Days as the API gives them (YYYY-MM-DD, Shanghai).
 */
export function outcomesPerDay(snapshot: Snapshot): { day: string; formed: number; failed: number }[] {
  const byDay = new Map<string, { day: string; formed: number; failed: number }>();
  for (const { value } of each(snapshot, 'orderOutcomes')) {
    for (const d of value) {
      const entry = byDay.get(d.day) ?? { day: d.day, formed: 0, failed: 0 };
      entry.formed += d.formed;
      entry.failed += d.failed;
      byDay.set(d.day, entry);
    }
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Searches with nothing in stock across the view, by term. Every search asks every community, so a term unmet in
 * three communities was counted by each of them for the same searches: the count is the highest of any community
 * (never their sum), and the communities are those that had nothing of it.
 */
export function unmetAcross(snapshot: Snapshot): { term: string; count: number; lastSearchedAt: string; communities: string[] }[] {
  const byTerm = new Map<string, { term: string; count: number; lastSearchedAt: string; communities: string[] }>();
  for (const { code, value } of each(snapshot, 'unmetSearches')) {
    for (const s of value) {
      const entry = byTerm.get(s.term);
      if (!entry) byTerm.set(s.term, { term: s.term, count: s.count, lastSearchedAt: s.lastSearchedAt, communities: [code] });
      else {
        entry.count = Math.max(entry.count, s.count);
        if (s.lastSearchedAt > entry.lastSearchedAt) entry.lastSearchedAt = s.lastSearchedAt;
        entry.communities.push(code);
      }
    }
  }
  return [...byTerm.values()].sort((a, b) => b.count - a.count || b.communities.length - a.communities.length || b.lastSearchedAt.localeCompare(a.lastSearchedAt) || a.term.localeCompare(b.term));
}
