import { badInput } from '@lilong/kit';

/**
 * A position in a sub-district-wide result list: the sort key, then the community code, then the row's local ID.
 * The hub merges the communities' pages in exactly that order (ties by community code), so each node can continue
 * after a cursor on its own, and the pages fit together with nothing repeated or skipped.
 */
export interface SearchCursor {
  key: number;
  community: string;
  localId: number;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.community, cursor.localId])).toString('base64url');
}

export function decodeCursor(value: string | null | undefined): SearchCursor | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    const [key, community, localId] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'number' && typeof community === 'string' && typeof localId === 'number') return { key, community, localId };
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor from a previous page of this search.', '不是本搜索上一页的游标。');
}

/** Whether a row of this community (`key`, `localId`) comes after the cursor, in ascending order. */
export function isAfter(cursor: SearchCursor | undefined, community: string, key: number, localId: number): boolean {
  if (!cursor) return true;
  if (key !== cursor.key) return key > cursor.key;
  if (community !== cursor.community) return community > cursor.community;
  return localId > cursor.localId;
}
