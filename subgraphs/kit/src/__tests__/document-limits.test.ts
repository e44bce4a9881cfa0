import { buildSchema, parse, validate } from 'graphql';
import { documentLimitsRule, measureDocument, tokenLimitError } from '../document-limits';

const schema = buildSchema('type Query { a: Query b: Int }');

it('measures depth and selections with fragments expanded, each fragment once', () => {
  expect(measureDocument(parse('{ a { a { b } } b }'))).toEqual({ depth: 3, selections: 4 });
  expect(measureDocument(parse('{ a { ...F } ...F } fragment F on Query { a { b } b }'))).toEqual({ depth: 3, selections: 7 });
  expect(measureDocument(parse('{ ... on Query { a { b } } }'))).toEqual({ depth: 2, selections: 2 });
});

it('measures a doubling fragment chain without expanding it', () => {
  const levels = 40;
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i === levels - 1 ? 'b' : `x: a { ...F${i + 1} } y: a { ...F${i + 1} }`} }`).join('\n');
  const began = Date.now();
  const size = measureDocument(parse(`{ ...F0 }\n${fragments}`), 1_000_000);
  expect(Date.now() - began).toBeLessThan(1000);
  expect(size.selections).toBe(1_000_000);
  expect(size.depth).toBe(levels);
});

it('refuses, with the limit named, what is too deep or too large', () => {
  const rule = documentLimitsRule({ maxTokens: 1000, maxDepth: 3, maxSelections: 5 });
  expect(validate(schema, parse('{ a { a { b } } }'), [rule])).toEqual([]);
  const [deep] = validate(schema, parse('{ a { a { a { b } } } }'), [rule]);
  expect(deep!.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 3, found: 4 });
  const [wide] = validate(schema, parse('{ b x: b y: b z: b w: b v: b }'), [rule]);
  expect(wide!.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'selections', max: 5 });
  expect(wide!.extensions.messageZh).toBe('查询超出社区节点的展开片段后的字段数上限 5。');
});

it("reads the parser's token limit as the token limit's refusal", () => {
  let message = '';
  try {
    parse('{ b b b b b }', { maxTokens: 3 });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(tokenLimitError(message)!.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max: 3 });
  expect(tokenLimitError('Syntax Error: Expected Name, found <EOF>.')).toBeUndefined();
});
