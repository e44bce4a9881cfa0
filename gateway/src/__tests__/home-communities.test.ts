import { HomeCommunities } from '../routing/home-communities';

describe('HomeCommunities', () => {
  it('remembers where a person has records until the entry expires', () => {
    const homes = new HomeCommunities(1000, 10);
    homes.set('a#1', ['alpha'], 0);
    expect(homes.get('a#1', 999)).toEqual(['alpha']);
    expect(homes.get('a#1', 1000)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the entry set longest ago', () => {
    const homes = new HomeCommunities(60_000, 2);
    homes.set('a#1', ['alpha'], 0);
    homes.set('a#2', ['beta'], 1);
    homes.set('a#1', ['alpha', 'beta'], 2);
    homes.set('a#3', [], 3);
    expect(homes.get('a#2', 4)).toBeUndefined();
    expect(homes.get('a#1', 4)).toEqual(['alpha', 'beta']);
    expect(homes.get('a#3', 4)).toEqual([]);
  });

  it('forgets everyone at once', () => {
    const homes = new HomeCommunities();
    homes.set('a#1', ['alpha']);
    homes.forgetAll();
    expect(homes.get('a#1')).toBeUndefined();
  });
});
