import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_OPERATION_LIMITS } from '../guard/limits';
import { expandedSize, introspectionPlacement } from '../guard/measure';
import { OperationGuard, pickOperation } from '../guard/operation-guard';

const schema = buildSchema(`
  type Query { communities: [Community!]! search(text: String!, first: Int = 20): [Hit!]! }
  type Community { code: String! shops: [Shop!]! }
  type Shop { name: String! community: Community! }
  type Hit { name: String! shop: Shop! }
`);
const fanout = new Set(['Query.search']);
const operationOf = (text: string) => {
  const document = parse(text);
  return { document, operation: document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)! };
};

function chain(levels: number): string {
  const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} @include(if: true) ...F${i + 1} @skip(if: false) }`);
  return `query { ...F0 } ${defs.join(' ')} fragment F${levels} on Query { communities { code } }`;
}

describe('expandedSize', () => {
  it('counts a doubly-spread fragment chain as the planner would expand it, without expanding it', () => {
    const { document, operation } = operationOf(chain(30));
    const began = performance.now();
    const size = expandedSize(document, operation, schema, fanout);
    expect(performance.now() - began).toBeLessThan(1000);
    expect(size.selections).toBe(2 ** 30 * 2);
  });

  it('counts fan-out fields per selection, aliases and fragments included', () => {
    const { document, operation } = operationOf('{ a: search(text: "x") { name } b: search(text: "y") { name } ...S } fragment S on Query { search(text: "z") { shop { name } } }');
    expect(expandedSize(document, operation, schema, fanout)).toEqual({ selections: 7, fanoutFields: 3 });
  });

  it('saturates at the cap and survives fragment cycles', () => {
    const { document, operation } = operationOf('{ ...A } fragment A on Query { communities { code } ...B } fragment B on Query { ...A }');
    expect(expandedSize(document, operation, schema, fanout).selections).toBe(2);
    const bomb = operationOf(chain(60));
    expect(expandedSize(bomb.document, bomb.operation, schema, fanout, 5000).selections).toBe(5000);
  });
});

describe('introspectionPlacement', () => {
  it('sees introspection through inline fragments with directives and named fragments', () => {
    const placement = (text: string) => {
      const { document, operation } = operationOf(text);
      return introspectionPlacement(document, operation);
    };
    expect(placement('{ __schema { queryType { name } } }')).toBe('only');
    expect(placement('{ ... on Query @include(if: true) { __schema { queryType { name } } } }')).toBe('only');
    expect(placement('{ ...I } fragment I on Query { __type(name: "Query") { name } __typename }')).toBe('only');
    expect(placement('{ __typename }')).toBe('none');
    expect(placement('{ __schema { queryType { name } } communities { code } }')).toBe('top');
    expect(placement('{ ... on Query @include(if: true) { __schema { queryType { name } } communities { code } } }')).toBe('nested');
  });
});

describe('pickOperation', () => {
  const two = parse('query A { __typename } query B { communities { code } }');
  it('picks as the GraphQL-over-HTTP spec says, with coded refusals', () => {
    expect((pickOperation(two, 'B') as OperationDefinitionNode).name?.value).toBe('B');
    for (const [name, pattern] of [
      ['Nope', /no operation named "Nope"/],
      [undefined, /several operations/],
      ['', /several operations/],
      [3, /must be a string/],
    ] as const) {
      const refused = pickOperation(two, name);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(pattern);
      expect((refused as { extensions: Record<string, unknown> }).extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    }
    expect((pickOperation(parse('{ __typename }'), '') as OperationDefinitionNode).operation).toBe('query');
  });
});

describe('OperationGuard', () => {
  const guard = new OperationGuard({ ...DEFAULT_OPERATION_LIMITS, maxFanoutRequests: 40 }, fanout, () => 10);
  const refusal = (text: string, operationName?: string) => {
    const verdict = guard.check(schema, text, operationName);
    if (verdict.ok) throw new Error(`accepted: ${text.slice(0, 80)}`);
    return verdict.errors[0]!.extensions as Record<string, unknown>;
  };

  it('names the limit crossed, its maximum and what it found', () => {
    expect(refusal(chain(20))).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'selections', max: 1500, found: 2 ** 21 });
    expect(refusal(`{ ${'__typename '.repeat(3000)}}`)).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max: 2000 });
    expect(refusal(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: communities { code }`).join(' ')} }`)).toMatchObject({ limit: 'aliases', max: 30, found: 31 });
    expect(refusal(`{ __typename ${'@include(if: true) '.repeat(51)}}`)).toMatchObject({ limit: 'directives', max: 50, found: 51 });
    const deep = `{ communities { shops { community { shops { community { shops { community { shops { community { shops { community { shops { name } } } } } } } } } } } } }`;
    expect(refusal(deep)).toMatchObject({ limit: 'depth', max: 10 });
  });

  it('counts fan-out as requests to every community: aliases times communities', () => {
    expect(guard.check(schema, '{ a: search(text: "x") { name } b: search(text: "y") { name } }', undefined).ok).toBe(true);
    expect(refusal(`{ ${Array.from({ length: 5 }, (_, i) => `s${i}: search(text: "x") { name }`).join(' ')} }`)).toMatchObject({ limit: 'fanout', max: 40, found: 50 });
  });

  it('refuses syntax errors, subscriptions and unknown operations with their own codes, in English and Chinese', () => {
    expect(refusal('{ communities { code ')).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(refusal('subscription { __typename }')).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' });
    const unknown = refusal('query A { __typename }', 'B');
    expect(unknown).toMatchObject({ code: 'OPERATION_RESOLUTION_FAILURE' });
    expect(String(unknown.messageZh)).toMatch(/没有名为 "B" 的操作/);
  });

  it('remembers a document that passed, but checks the fan-out against the communities listed now', () => {
    let communities = 10;
    const growing = new OperationGuard({ ...DEFAULT_OPERATION_LIMITS, maxFanoutRequests: 40 }, fanout, () => communities);
    const text = '{ a: search(text: "x") { name } b: search(text: "y") { name } c: search(text: "z") { name } }';
    const first = growing.check(schema, text, undefined);
    expect(first.ok).toBe(true);
    // The same document again is the same parse, not a new one.
    const again = growing.check(schema, text, undefined);
    expect(again.ok && first.ok && again.document).toBe(first.ok && first.document);
    communities = 20;
    const refused = growing.check(schema, text, undefined);
    expect(!refused.ok && refused.errors[0]!.extensions).toMatchObject({ limit: 'fanout', max: 40, found: 60 });
    // Another operation name or transport is judged on its own.
    expect(growing.check(schema, 'query A { __typename }', 'B').ok).toBe(false);
    expect(growing.check(schema, 'query A { __typename }', 'A').ok).toBe(true);
    expect(growing.check(schema, 'query A { __typename }', 'B').ok).toBe(false);
    expect(growing.check(schema, '{ communities { code } }', undefined, 'live').ok).toBe(false);
    expect(growing.check(schema, '{ communities { code } }', undefined, 'http').ok).toBe(true);
    expect(growing.check(schema, '{ communities { code } }', undefined, 'live').ok).toBe(false);
  });

  it('lets ordinary documents through', () => {
    expect(guard.check(schema, '{ communities { code shops { name community { code } } } }', undefined).ok).toBe(true);
  });
});
