import { readFileSync } from 'node:fs';
import { ROUTING_DIRECTIVES_SDL, SUBGRAPH_SCHEMA_HEADER, subgraphSdlPath } from '@lilong/schema';
import { checkCompatibility, CompatibilityChecker } from '../routing/compatibility';

/** A small subgraph in the shape of Lilong's: an entity with a key, a @requires, a @provides, routed root fields. */
const BASE = `${SUBGRAPH_SCHEMA_HEADER}
${ROUTING_DIRECTIVES_SDL}
enum ShopKind { GROCERY PHARMACY }
enum Unit { BAG BOX }
type Shop @key(fields: "id") {
  id: ID!
  name: String!
  kind: ShopKind!
  rating: Int
  products(first: Int = 20): [Product!]!
}
type Product @key(fields: "id") {
  id: ID!
  name: String!
  weight: Int @external
  size: Int @external
  shippingFen: Int @requires(fields: "weight size")
  volumeFen: Int @requires(fields: "size")
  merchant: Merchant @provides(fields: "name phone")
  seller: Merchant @provides(fields: "phone")
  label: String @shareable
}
type Merchant @key(fields: "id") {
  id: ID!
  name: String @external
  phone: String @external
}
input ShopFilter { kind: ShopKind }
type Query {
  shop(id: ID!): Shop @routeBy(arg: "id")
  shops(filter: ShopFilter, unit: Unit): [Shop!]! @fanout(sortBy: "name")
}
`;

/** BASE with one piece of text replaced; fails the test when the text is not there (a fixture gone stale). */
function edited(from: string, to: string, sdl = BASE): string {
  expect(sdl).toContain(from);
  return sdl.replace(from, to);
}

const kinds = (sdl: string) => {
  const verdict = checkCompatibility(BASE, sdl);
  return { compatible: verdict.compatible, breaking: verdict.breaking.map((c) => c.kind), dangerous: verdict.dangerous.map((c) => c.kind) };
};

describe('a node a release ahead (additions) is accepted', () => {
  it('the same SDL, modulo spacing and comments', () => {
    expect(kinds(`# Generated\n${BASE.replace(/\n/g, '\n\n  ')}`)).toEqual({ compatible: true, breaking: [], dangerous: [] });
  });

  it('a new field, a new type, a new optional argument, a new entity, a second @key', () => {
    let sdl = edited('  rating: Int\n', '  rating: Int\n  openingHours: String\n  products2(after: String): [Product!]\n');
    sdl = edited('  products(first: Int = 20)', '  products(first: Int = 20, inStock: Boolean)', sdl);
    sdl = edited('type Shop @key(fields: "id") {', 'type Shop @key(fields: "id") @key(fields: "name") {', sdl);
    sdl = `${sdl}\ntype Courier @key(fields: "id") { id: ID! name: String! }\ntype Extra { x: Int }\n`;
    const verdict = kinds(sdl);
    expect(verdict.compatible).toBe(true);
    expect(verdict.breaking).toEqual([]);
    // A new optional argument is what graphql-js calls dangerous (a default may differ); it is not refused.
    expect(verdict.dangerous).toEqual(['OPTIONAL_ARG_ADDED']);
  });

  it('a result made non-null, an argument made optional, a @requires asking for less', () => {
    let sdl = edited('  rating: Int\n', '  rating: Int!\n');
    sdl = edited('shop(id: ID!): Shop', 'shop(id: ID): Shop', sdl);
    sdl = edited('shippingFen: Int @requires(fields: "weight size")', 'shippingFen: Int @requires(fields: "weight")', sdl);
    expect(kinds(sdl)).toEqual({ compatible: true, breaking: [], dangerous: [] });
  });

  it('an enum value added is accepted but reported as dangerous: an older hub cannot return it', () => {
    const verdict = checkCompatibility(BASE, edited('enum ShopKind { GROCERY PHARMACY }', 'enum ShopKind { GROCERY PHARMACY BAKERY }'));
    expect(verdict.compatible).toBe(true);
    expect(verdict.dangerous).toEqual([{ kind: 'VALUE_ADDED_TO_ENUM', description: 'BAKERY was added to enum type ShopKind.' }]);
  });
});

describe('a change the hub would trip over is refused', () => {
  it.each([
    ['a field removed', '  rating: Int\n', '', 'FIELD_REMOVED', /Shop\.rating was removed/],
    ['a type removed', 'enum Unit { BAG BOX }', 'scalar Unit', 'TYPE_CHANGED_KIND', /Unit changed from an Enum type to a Scalar type/],
    ['a field type changed', '  rating: Int\n', '  rating: String\n', 'FIELD_CHANGED_KIND', /Shop\.rating changed type from Int to String/],
    ['a non-null result made nullable', '  name: String!\n  kind', '  name: String\n  kind', 'FIELD_CHANGED_KIND', /Shop\.name changed type from String! to String/],
    ['an argument made required', 'products(first: Int = 20)', 'products(first: Int!)', 'ARG_CHANGED_KIND', /Shop\.products arg first has changed type from Int to Int!/],
    ['a required argument added', 'products(first: Int = 20)', 'products(first: Int = 20, shopId: ID!)', 'REQUIRED_ARG_ADDED', /shopId/],
    ['an enum value removed', 'enum ShopKind { GROCERY PHARMACY }', 'enum ShopKind { GROCERY }', 'VALUE_REMOVED_FROM_ENUM', /PHARMACY was removed from enum type ShopKind/],
  ])('%s', (_, from, to, kind, description) => {
    const verdict = checkCompatibility(BASE, edited(from, to));
    expect(verdict.compatible).toBe(false);
    expect(verdict.breaking).toEqual([expect.objectContaining({ kind, description: expect.stringMatching(description) })]);
  });

  it('a @key changed (the planner would send representations the node cannot resolve)', () => {
    const verdict = checkCompatibility(BASE, edited('type Shop @key(fields: "id") {', 'type Shop @key(fields: "id name") {'));
    expect(verdict.compatible).toBe(false);
    expect(verdict.breaking).toEqual([{ kind: 'KEY_REMOVED', description: 'Shop no longer has @key(fields: "id").' }]);
  });

  it('a @key made unresolvable', () => {
    const verdict = checkCompatibility(BASE, edited('type Product @key(fields: "id") {', 'type Product @key(fields: "id", resolvable: false) {'));
    expect(verdict.breaking.map((c) => c.kind)).toEqual(['KEY_REMOVED']);
  });

  it('the same @key written in another order or spacing is the same key', () => {
    const two = edited('type Product @key(fields: "id") {', 'type Product @key(fields: "id name") {');
    expect(checkCompatibility(two, edited('type Product @key(fields: "id") {', 'type Product @key(fields: " name   id ") {')).compatible).toBe(true);
  });

  it.each([
    ['@requires asking for more than the hub sends', [['volumeFen: Int @requires(fields: "size")', 'volumeFen: Int @requires(fields: "size weight")']], 'REQUIRES_CHANGED'],
    ['@provides promising less', [['@provides(fields: "name phone")', '@provides(fields: "phone")'], ['  name: String @external\n', '']], 'PROVIDES_CHANGED'],
    ['@external dropped (the node would resolve it itself)', [['@provides(fields: "name phone")', ''], ['  name: String @external\n', '  name: String\n']], 'EXTERNAL_CHANGED'],
    ['@shareable dropped', [['label: String @shareable', 'label: String']], 'SHAREABLE_REMOVED'],
    ['a routing directive changed', [['@routeBy(arg: "id")', '@fanout']], 'ROUTING_CHANGED'],
    ['a fan-out sort key changed', [['@fanout(sortBy: "name")', '@fanout(sortBy: "rating")']], 'ROUTING_CHANGED'],
  ])('%s', (_, edits, kind) => {
    const sdl = (edits as string[][]).reduce((text, [from, to]) => edited(from!, to!, text), BASE);
    const verdict = checkCompatibility(BASE, sdl);
    expect(verdict.compatible).toBe(false);
    expect(verdict.breaking.map((c) => c.kind)).toContain(kind);
  });

  it('SDL that is no subgraph schema at all', () => {
    const verdict = checkCompatibility(BASE, 'type Query { shop: Nope }');
    expect(verdict.compatible).toBe(false);
    expect(verdict.breaking[0]?.kind).toBe('INVALID_SDL');
  });
});

describe('on the committed SDL', () => {
  const shops = readFileSync(subgraphSdlPath('shops'), 'utf8');

  it('a field added to Shop is accepted, the same field expected but missing is refused', () => {
    const ahead = shops.replace(/\ntype Shop\b([^{]*)\{/, '\ntype Shop$1{\n  openingHours: String\n');
    expect(ahead).not.toBe(shops);
    expect(checkCompatibility(shops, ahead)).toMatchObject({ compatible: true, breaking: [] });
    expect(checkCompatibility(ahead, shops)).toMatchObject({ compatible: false, breaking: [{ kind: 'FIELD_REMOVED', description: 'Shop.openingHours was removed.' }] });
  });

  it('the checker caches its verdict per subgraph and SDL hash', () => {
    const checker = new CompatibilityChecker(new Map([['shops', shops]]));
    const ahead = `${shops}\ntype Extra { x: Int }\n`;
    expect(checker.check('shops', ahead).compatible).toBe(true);
    expect(checker.check('shops', `${ahead}\n\n`).compatible).toBe(true);
    expect(checker.check('shops', shops).compatible).toBe(true);
    expect(checker.computed).toBe(2);
    expect(checker.check('groups', shops)).toMatchObject({ compatible: false, breaking: [{ kind: 'INVALID_SDL' }] });
  });
});
