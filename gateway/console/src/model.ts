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
 * The communities a panel built from `field` lacks: not in the answer, not ACTIVE, the field null (a node down or
 * slow), or named by a COMMUNITY_UNAVAILABLE error on the field. A FORBIDDEN field is not missing: it is not the
 * caller's to see.
 */
export function missingFor(snapshot: Snapshot, field: CommunityField): string[] {
  return snapshot.scope.filter((code) => {
    const data = snapshot.byCode.get(code);
    if (!data || data.status !== 'ACTIVE' || snapshot.liveDown.has(code)) return true;
    if (data[field] === null && !isForbidden(snapshot, code, field)) return true;
    return snapshot.errors.some((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE' && e.extensions.community === code && fieldOf(e.path) === field);
  });
}

/** Whether the field is forbidden in every community of the view (the panel then says so). */
export const forbiddenEverywhere = (snapshot: Snapshot, field: CommunityField) =>
  snapshot.scope.length > 0 && snapshot.scope.every((code) => isForbidden(snapshot, code, field));

/** The communities the sub-district-wide pool list lacks: named by an error on it, or down. */
export function missingPools(snapshot: Snapshot): string[] {
  const named = new Set(
    snapshot.errors.filter((e) => e.extensions?.code === 'COMMUNITY_UNAVAILABLE' && (!e.path || e.path[0] === 'openPools')).map((e) => e.extensions?.community as string),
  );
  return [...new Set([...snapshot.byCode.keys(), ...snapshot.scope])].filter(
    (code) => named.has(code) || snapshot.liveDown.has(code) || (snapshot.byCode.get(code)?.status ?? 'ACTIVE') !== 'ACTIVE',
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

/** Group orders that formed (FORMED, CONFIRMED, HANDED_OVER) or failed, per local day, over the last `days` days. */
export function ordersPerDay(snapshot: Snapshot, days: number, now = snapshot.at): { day: Date; key: string; formed: number; failed: number }[] {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const out = Array.from({ length: days }, (_, i) => {
    const day = new Date(today);
    day.setDate(today.getDate() - (days - 1 - i));
    return { day, key: localDayKey(day), formed: 0, failed: 0 };
  });
  const index = new Map(out.map((d, i) => [d.key, i]));
  const seen = new Set<string>();
  for (const { value: groups } of each(snapshot, 'groups')) {
    for (const group of groups) {
      for (const order of group.groupOrders ?? []) {
        // An order of a pooled group may be listed under several groups' answers: count it once.
        if (!order.closedAt || seen.has(order.id)) continue;
        seen.add(order.id);
        const i = index.get(localDayKey(new Date(order.closedAt)));
        if (i === undefined) continue;
        if (order.status === 'FAILED') out[i]!.failed += 1;
        else if (order.status === 'FORMED' || order.status === 'CONFIRMED' || order.status === 'HANDED_OVER') out[i]!.formed += 1;
      }
    }
  }
  return out;
}

export const localDayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
