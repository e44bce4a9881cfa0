import { coalesce } from '../coalesce-errors';
import { SORT_KEY_ALIAS } from '../routing/documents';
import { mergeLists, stableKey } from '../routing/merge';

const item = (name: string, key: number | null) => ({ name, [SORT_KEY_ALIAS]: key });

describe('mergeLists', () => {
  it('merges by the sort key, ties in directory order, and truncates to the limit', () => {
    const merged = mergeLists([[item('a1', 3), item('a2', 9)], null, [item('c1', 1), item('c2', 3)]], 'price', 'ASC', 3);
    expect(merged.items).toEqual([{ name: 'c1' }, { name: 'a1' }, { name: 'c2' }]);
    expect(merged.origins).toEqual([[2, 0], [0, 0], [2, 1]]);
  });

  it('sorts descending and keeps missing keys last', () => {
    const merged = mergeLists([[item('x', null), item('y', 2)], [item('z', 5)]], 'seats', 'DESC', 10);
    expect(merged.items.map((i: any) => i.name)).toEqual(['z', 'y', 'x']);
  });

  it('concatenates in directory order without a sort key', () => {
    expect(mergeLists([[1, 2], undefined, [3]], undefined, 'ASC', Infinity).items).toEqual([1, 2, 3]);
  });
});

it('stableKey ignores key order', () => {
  expect(stableKey({ b: 1, a: { d: [1, 2], c: null } })).toBe(stableKey({ a: { c: null, d: [1, 2] }, b: 1 }));
  expect(stableKey({ a: 1 })).not.toBe(stableKey({ a: '1' }));
});

it('coalesce keeps one COMMUNITY_UNAVAILABLE error per community, listing the subgraphs', () => {
  const down = (subgraph: string, community = 'beta') => ({
    message: 'x',
    extensions: { code: 'COMMUNITY_UNAVAILABLE', community, subgraph, reason: 'CONNECTION_FAILED' },
  });
  const out = coalesce([down('groups'), { message: 'other', extensions: { code: 'FORBIDDEN' } }, down('shops'), down('shops', 'gamma')]);
  expect(out).toHaveLength(3);
  expect(out[0]!.extensions).toMatchObject({ community: 'beta', subgraphs: ['groups', 'shops'] });
  expect(out[0]!.message).toContain('beta');
  expect(out[2]!.extensions).toMatchObject({ community: 'gamma', subgraph: 'shops' });
});
