import type { SortOrder } from '@lilong/schema';
import { SORT_KEY_ALIAS } from './documents';

/** Where a merged item came from: the answering community's position and the item's index in its list. */
export type Origin = [source: number, index: number];

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // missing keys sort last in either order
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/**
 * Merges per-community lists into one: by the hidden sort key when there is one (ties go to the earlier list, i.e.
 * the lower community code, then each community's own order), else concatenated in list order; then truncated to `limit`. Each community
 * already applied the same sort and limit, so the first `limit` of the merge are the first `limit` overall.
 */
export function mergeLists(
  lists: ReadonlyArray<readonly unknown[] | null | undefined>,
  sortBy: string | undefined,
  order: SortOrder,
  limit: number,
): { items: unknown[]; origins: Origin[] } {
  const ranked: { item: unknown; origin: Origin }[] = [];
  lists.forEach((list, source) => list?.forEach((item, index) => ranked.push({ item, origin: [source, index] })));
  if (sortBy) {
    const direction = order === 'DESC' ? -1 : 1;
    const key = (item: unknown) => (item as Record<string, unknown> | null)?.[SORT_KEY_ALIAS];
    ranked.sort((x, y) => {
      const kx = key(x.item);
      const ky = key(y.item);
      const byKey = kx === null || kx === undefined || ky === null || ky === undefined ? compareKeys(kx, ky) : direction * compareKeys(kx, ky);
      return byKey || x.origin[0] - y.origin[0] || x.origin[1] - y.origin[1];
    });
  }
  const kept = ranked.slice(0, Math.max(0, limit));
  return { items: kept.map((r) => stripSortKey(r.item)), origins: kept.map((r) => r.origin) };
}

export function stripSortKey(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || !(SORT_KEY_ALIAS in item)) return item;
  const { [SORT_KEY_ALIAS]: _dropped, ...rest } = item as Record<string, unknown>;
  return rest;
}

/** A representation's identity, independent of key order, for sending each distinct one once. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
