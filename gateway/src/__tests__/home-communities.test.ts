import { HomeCommunities } from '../routing/home-communities';

describe('HomeCommunities', () => {
  it('remembers where a person has records until the entry expires', () => {
    const homes = new HomeCommunities(1000, 10);
    homes.set('a#1', ['alpha'], [], 0);
    expect(homes.get('a#1', 999)).toEqual({ communities: ['alpha'], unsure: [] });
    expect(homes.get('a#1', 1000)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the entry set longest ago', () => {
    const homes = new HomeCommunities(60_000, 2);
    homes.set('a#1', ['alpha'], [], 0);
    homes.set('a#2', ['beta'], [], 1);
    homes.set('a#1', ['alpha', 'beta'], [], 2);
    homes.set('a#3', [], [], 3);
    expect(homes.get('a#2', 4)).toBeUndefined();
    expect(homes.get('a#1', 4)?.communities).toEqual(['alpha', 'beta']);
    expect(homes.get('a#3', 4)?.communities).toEqual([]);
  });

  it('keeps a census that a community did not answer, and settles it once that community answers, keeping its expiry', () => {
    const homes = new HomeCommunities(1000, 10);
    homes.set('a#1', ['alpha'], ['beta', 'gamma'], 0);
    expect(homes.get('a#1', 10)).toEqual({ communities: ['alpha'], unsure: ['beta', 'gamma'] });
    // Beta answers with records, gamma still not.
    homes.settle('a#1', new Map([['beta', true]]));
    expect(homes.get('a#1', 20)).toEqual({ communities: ['alpha', 'beta'], unsure: ['gamma'] });
    homes.settle('a#1', new Map([['gamma', false]]));
    expect(homes.get('a#1', 999)).toEqual({ communities: ['alpha', 'beta'], unsure: [] });
    expect(homes.get('a#1', 1000)).toBeUndefined();
  });

  it('forgets everyone at once', () => {
    const homes = new HomeCommunities();
    homes.set('a#1', ['alpha']);
    homes.forgetAll();
    expect(homes.get('a#1')).toBeUndefined();
  });
});
