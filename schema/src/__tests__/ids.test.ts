import { GraphQLError } from 'graphql';
import { communityOfRoutingValue, formatGlobalId, parseGlobalId, tryParseGlobalId } from '../ids';

describe('global IDs', () => {
  it('round-trip through format and parse', () => {
    const id = formatGlobalId('xinhua-3', 'Shop', 42);
    expect(id).toBe('xinhua-3:Shop:42');
    expect(parseGlobalId(id, 'Shop')).toEqual({ community: 'xinhua-3', type: 'Shop', localId: '42' });
  });

  it.each(['', 'Shop:42', 'xinhua:Shop', 'Xinhua:Shop:1', 'x:Shop:1', 'xinhua:shop:1', 'a-b:Shop:1:2', 'xinhua:Shop:'])(
    'rejects %p with a coded error',
    (bad) => {
      expect(tryParseGlobalId(bad)).toBeUndefined();
      let caught: unknown;
      try {
        parseGlobalId(bad, undefined, 'shopId');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GraphQLError);
      expect((caught as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'shopId' });
      expect((caught as GraphQLError).message).toContain('shopId');
    },
  );

  it('refuses an ID of the wrong type', () => {
    expect(() => parseGlobalId('xinhua:Product:1', 'Shop')).toThrow('must be the ID of a Shop');
  });

  it('routes by a global ID or a bare community code', () => {
    expect(communityOfRoutingValue('tianping:Compound:7')).toBe('tianping');
    expect(communityOfRoutingValue('tianping')).toBe('tianping');
    expect(communityOfRoutingValue('Tianping')).toBeUndefined();
    expect(communityOfRoutingValue(42)).toBeUndefined();
  });
});
