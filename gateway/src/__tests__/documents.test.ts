import { addSortKey, documentWithFields, fieldsOn, parseFetch } from '../routing/documents';

it('splits a fetch into a standalone document per community, with only the variables and fragments it uses', () => {
  const parsed = parseFetch(`query Q($a: ID!, $b: String!, $n: Int) { shop(id: $a) { ...S } compounds(community: $b) { name } searchStock(text: "x", first: $n) { priceFen } } fragment S on Shop { name }`);
  const [shop, , search] = fieldsOn(parsed.operation.selectionSet, undefined, parsed.fragments);
  addSortKey(search!, 'priceFen');
  const doc = documentWithFields(parsed, [shop!, search!]);
  expect(doc).toContain('query Q($a: ID!, $n: Int)');
  expect(doc).not.toContain('$b');
  expect(doc).toContain('fragment S on Shop');
  expect(doc).toContain('__lilong_sort: priceFen');
  expect(documentWithFields(parsed, [search!])).not.toContain('fragment S');
});
