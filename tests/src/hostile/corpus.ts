/**
 * A corpus of hostile and broken requests, built from the hub's own schema: transport faults, parse garbage,
 * validation bombs, fragment explosions (aliases, inline fragments, directives, depths 10-30), operation
 * resolution mistakes, and bad arguments for every root field and mutation. Used by the hostile test (CI, against
 * a test sub-district) and by `npm run bench -- hostile` (against `npm start`).
 */
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

export type Category = 'transport' | 'parse' | 'validation' | 'fragments' | 'operations' | 'arguments';

export interface HostileCase {
  category: Category;
  name: string;
  method: string;
  path?: string;
  headers?: Record<string, string>;
  /** Raw body; a JSON body is built from `graphql` when this is absent. */
  body?: string | Buffer;
  graphql?: { query: unknown; variables?: unknown; operationName?: unknown };
  /** Send the caller's bearer token (a signed-in caller reaches the argument checks of mutations). */
  signedIn?: boolean;
}

const post = (category: Category, name: string, query: unknown, extra: Partial<HostileCase> = {}): HostileCase => ({
  category,
  name,
  method: 'POST',
  graphql: { query },
  ...extra,
});

/** A deterministic pseudo-random sequence, so every run sends the same corpus. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function transport(): HostileCase[] {
  const cases: HostileCase[] = [];
  const q = '{ __typename }';
  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND']) {
    cases.push({ category: 'transport', name: `method ${method}`, method, body: JSON.stringify({ query: q }), headers: { 'content-type': 'application/json' } });
  }
  const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/xml', '', 'application/json; charset=latin1', 'application/json;;;', 'application/*'];
  for (const type of contentTypes) {
    cases.push({ category: 'transport', name: `content-type "${type}"`, method: 'POST', body: JSON.stringify({ query: q }), headers: type ? { 'content-type': type } : {} });
  }
  const bodies: [string, string | Buffer][] = [
    ['empty body', ''],
    ['invalid JSON', '{"query": '],
    ['JSON null', 'null'],
    ['JSON number', '42'],
    ['JSON string', '"{ __typename }"'],
    ['JSON true', 'true'],
    ['batch of two', JSON.stringify([{ query: q }, { query: q }])],
    ['empty batch', '[]'],
    ['batch of 1000', JSON.stringify(Array.from({ length: 1000 }, () => ({ query: q })))],
    ['query is a number', JSON.stringify({ query: 1 })],
    ['query is an object', JSON.stringify({ query: { a: 1 } })],
    ['query is an array', JSON.stringify({ query: ['{ __typename }'] })],
    ['query is null', JSON.stringify({ query: null })],
    ['no query', JSON.stringify({ variables: {} })],
    ['variables a string', JSON.stringify({ query: q, variables: '{"a":1}' })],
    ['variables an array', JSON.stringify({ query: q, variables: [1, 2] })],
    ['variables a number', JSON.stringify({ query: q, variables: 7 })],
    ['operationName a number', JSON.stringify({ query: q, operationName: 3 })],
    ['operationName an object', JSON.stringify({ query: q, operationName: {} })],
    ['extensions a string', JSON.stringify({ query: q, extensions: 'x' })],
    ['persisted query hash only', JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })],
    ['JSON nested 5000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['JSON variables nested 3000 deep', `{"query":"{ __typename }","variables":{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}}`],
    ['UTF-8 garbage', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28])],
    ['NUL bytes', Buffer.from('{"query":"{ __typename }\u0000"}')],
    ['BOM then JSON', `\ufeff${JSON.stringify({ query: q })}`],
    ['body of 3 MB', JSON.stringify({ query: q, variables: { pad: 'x'.repeat(3 * 1024 * 1024) } })],
    ['duplicate keys', '{"query":"{ __typename }","query":"{ nope }"}'],
    ['__proto__ key', '{"query":"{ __typename }","__proto__":{"polluted":true},"variables":{"__proto__":{"x":1}}}'],
  ];
  for (const [name, body] of bodies) cases.push({ category: 'transport', name, method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const gets: [string, string][] = [
    ['GET without query', '/graphql'],
    ['GET empty query', '/graphql?query='],
    ['GET mutation', `/graphql?query=${encodeURIComponent('mutation { __typename }')}`],
    ['GET bad variables', `/graphql?query=${encodeURIComponent(q)}&variables=%7Bnope`],
    ['GET twice query', `/graphql?query=${encodeURIComponent(q)}&query=x`],
    ['GET bad percent', '/graphql?query=%zz%'],
    ['GET url 60 kB', `/graphql?query=${encodeURIComponent(`{ ${'__typename '.repeat(6000)}}`)}`],
    ['path with dots', '/graphql/../graphql'],
    ['path trailing slash', '/graphql/'],
    ['unknown path', '/wp-admin.php'],
    ['path with NUL', '/graphql%00'],
  ];
  for (const [name, p] of gets) cases.push({ category: 'transport', name, method: 'GET', path: p, headers: { 'apollo-require-preflight': 'true' } });
  const headerCases: [string, Record<string, string>][] = [
    ['header of 100 kB', { 'x-pad': 'x'.repeat(100 * 1024) }],
    ['200 headers', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(50)]))],
    ['authorization Basic', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['authorization empty bearer', { authorization: 'Bearer ' }],
    ['authorization garbage bearer', { authorization: 'Bearer abc.def.ghi' }],
    ['authorization alg none', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.` }],
    ['authorization two tokens', { authorization: 'Bearer a.b.c Bearer d.e.f' }],
    ['authorization 10 kB', { authorization: `Bearer ${'a'.repeat(10_000)}.b.c` }],
    ['accept text/html only', { accept: 'text/html' }],
    ['accept image/png', { accept: 'image/png' }],
    ['content-length lies (short)', { 'content-length': '3' }],
  ];
  for (const [name, headers] of headerCases) {
    cases.push({ category: 'transport', name, method: 'POST', body: JSON.stringify({ query: q }), headers: { 'content-type': 'application/json', ...headers } });
  }
  return cases;
}

function parse(): HostileCase[] {
  const fixed: [string, string][] = [
    ['empty document', ''],
    ['whitespace only', '   \n\t  '],
    ['comment only', '# nothing here'],
    ['unbalanced open', '{ communities { code '],
    ['unbalanced close', '{ communities } } }'],
    ['braces 5000 deep', `${'{ a '.repeat(5000)}${'}'.repeat(5000)}`],
    ['parens 5000 deep', `{ a${'('.repeat(5000)}`],
    ['list literal 5000 deep', `{ searchStock(text: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { priceFen } }`],
    ['object literal 3000 deep', `{ searchStock(text: ${'{a:'.repeat(3000)}1${'}'.repeat(3000)}) { priceFen } }`],
    ['unterminated string', '{ searchStock(text: "abc) { priceFen } }'],
    ['unterminated block string', '{ searchStock(text: """abc) { priceFen } }'],
    ['bad escape', '{ searchStock(text: "\\u{ZZZZ}") { priceFen } }'],
    ['lone surrogate escape', '{ searchStock(text: "\\uD800") { priceFen } }'],
    ['invalid character', '{ communities { code ¤ } }'],
    ['NUL in document', '{ communities { code \u0000 } }'],
    ['name of 50 kB', `{ ${'a'.repeat(50_000)} }`],
    ['10000 tokens', `{ ${'__typename '.repeat(10_000)}}`],
    ['3000 tokens', `{ ${'__typename '.repeat(3000)}}`],
    ['number 1e309', '{ searchStock(text: "x", first: 1e309) { priceFen } }'],
    ['number with letters', '{ searchStock(text: "x", first: 12abc) { priceFen } }'],
    ['keyword soup', 'query mutation subscription fragment on on on'],
    ['fragment without selection', 'fragment F on Query'],
    ['variables without type', 'query($a) { __typename }'],
    ['directive without name', '{ __typename @ }'],
    ['spread without name', '{ ... }'],
    ['SDL instead of a query', 'type Query { hacked: String }'],
    ['schema extension', 'extend type Query { hacked: String }'],
    ['directive definition', 'directive @x on FIELD'],
    ['JSON instead of GraphQL', '{"query": "{ __typename }"}'],
    ['emoji names', '{ 🍚 }'],
    ['chinese names', '{ 社区 { 名称 } }'],
  ];
  const cases = fixed.map(([name, query]) => post('parse', name, query));
  const next = random(7);
  const alphabet = '{}()[]:$@!.,="\'\\#\n\t abcxyz019_-…大米';
  for (let i = 0; i < 70; i += 1) {
    const length = 1 + Math.floor(next() * 400);
    let text = '';
    for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(next() * alphabet.length)];
    cases.push(post('parse', `random garbage #${i}`, text));
  }
  return cases;
}

/** An object field reachable without required arguments, for schema-driven nesting. */
function objectFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => isObjectType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined));
}

function scalarField(type: GraphQLObjectType): string {
  const field = Object.values(type.getFields()).find((f) => !isObjectType(getNamedType(f.type)) && f.args.length === 0);
  return field?.name ?? '__typename';
}

/**
 * Nested selection `depth` levels down from `type`, taking up to `width` object fields at each level while the
 * document stays under about 4,000 fields (past that the token limit refuses it anyway), one field beyond.
 */
function nested(type: GraphQLObjectType, depth: number, width: number, budget = { fields: 4000 }): string {
  if (depth <= 0 || budget.fields <= 0) return scalarField(type);
  const fields = objectFields(type).slice(0, budget.fields > width ** 2 ? width : 1);
  if (fields.length === 0) return scalarField(type);
  budget.fields -= fields.length;
  return `${scalarField(type)} ${fields.map((f) => `${f.name} { ${nested(getNamedType(f.type) as GraphQLObjectType, depth - 1, width, budget)} }`).join(' ')}`;
}

function validation(schema: GraphQLSchema): HostileCase[] {
  const cases: HostileCase[] = [];
  const query = schema.getQueryType()!;
  const community = schema.getType('Community') as GraphQLObjectType;
  for (let depth = 10; depth <= 30; depth += 1) {
    for (const width of [1, 2, 3]) cases.push(post('validation', `schema-driven depth ${depth} width ${width}`, `{ communities { ${nested(community, depth, width)} } }`));
  }
  for (const n of [16, 31, 50, 100, 500, 1000]) {
    cases.push(post('validation', `${n} aliases of communities`, `{ ${Array.from({ length: n }, (_, i) => `a${i}: communities { code }`).join(' ')} }`));
    cases.push(post('validation', `${n} aliases of searchStock`, `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchStock(text: "米") { priceFen }`).join(' ')} }`));
    cases.push(post('validation', `${n} directives on one field`, `{ __typename ${'@include(if: true) '.repeat(n)}}`));
    cases.push(post('validation', `${n} skip directives`, `{ communities ${'@skip(if: false) '.repeat(n)}{ code } }`));
  }
  for (const n of [5, 8, 12, 20, 40, 100]) {
    cases.push(post('validation', `${n} fan-out aliases (openPools)`, `{ ${Array.from({ length: n }, (_, i) => `p${i}: openPools { packsMissing }`).join(' ')} }`));
    cases.push(post('validation', `${n} fan-out aliases (availableVolunteers)`, `{ ${Array.from({ length: n }, (_, i) => `v${i}: availableVolunteers { displayName }`).join(' ')} }`));
  }
  for (const n of [100, 500, 1000, 1900]) {
    cases.push(post('validation', `${n} duplicated fields`, `{ communities { ${'code '.repeat(n)}} }`));
    cases.push(post('validation', `${n} conflicting arguments`, `{ ${Array.from({ length: Math.floor(n / 8) }, (_, i) => `x: searchStock(text: "${i}") { priceFen }`).join(' ')} }`));
  }
  const fields = Object.keys(query.getFields());
  for (const name of fields) {
    cases.push(post('validation', `unknown subfield on ${name}`, `{ ${name} { doesNotExist } }`));
    cases.push(post('validation', `unknown argument on ${name}`, `{ ${name}(nope: 1) { __typename } }`));
  }
  cases.push(post('validation', 'introspection 20 levels of ofType', `{ __schema { types { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`));
  cases.push(post('validation', 'introspection fields of fields', `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`));
  cases.push(post('validation', 'introspection __type chain', `{ __type(name: "Query") { fields { type { fields { type { fields { type { name } } } } } } } }`));
  cases.push(post('validation', 'typename 1500 aliases', `{ ${Array.from({ length: 1500 }, (_, i) => `t${i}: __typename`).join(' ')} }`));
  cases.push(post('validation', 'variable of undefined type', 'query($a: Nope) { __typename }', {}));
  cases.push(post('validation', 'unused variable', 'query($a: Int) { __typename }'));
  cases.push(post('validation', 'undefined variable', '{ searchStock(text: $t) { priceFen } }'));
  cases.push(post('validation', 'variable wrong type', 'query($t: Int) { searchStock(text: $t) { priceFen } }', { graphql: { query: 'query($t: Int) { searchStock(text: $t) { priceFen } }', variables: { t: 3 } } }));
  return cases;
}

/** A chain of `levels` fragments, each spreading the next `spread` times (the planner's fragment-reuse bomb). */
function fragmentChain(levels: number, spread: number, leaf: string, decorate: (i: number, j: number) => string, typeName = 'Query'): string {
  const defs: string[] = [];
  for (let i = 0; i < levels; i += 1) {
    const body = Array.from({ length: spread }, (_, j) => `...F${i + 1}${decorate(i, j)}`).join(' ');
    defs.push(`fragment F${i} on ${typeName} { ${body} }`);
  }
  defs.push(`fragment F${levels} on ${typeName} { ${leaf} }`);
  return `query Bomb { ...F0 }\n${defs.join('\n')}`;
}

function fragments(): HostileCase[] {
  const cases: HostileCase[] = [];
  const decorations: [string, (i: number, j: number) => string][] = [
    ['plain', () => ''],
    ['include/skip', (_i, j) => (j % 2 === 0 ? ' @include(if: true)' : ' @skip(if: false)')],
    ['include true', () => ' @include(if: true)'],
    ['skip false', () => ' @skip(if: false)'],
    ['include with variable', () => ' @include(if: $yes)'],
  ];
  for (let levels = 10; levels <= 30; levels += 1) {
    for (const [label, decorate] of decorations) {
      const query = fragmentChain(levels, 2, 'communities { code name }', decorate).replace('query Bomb {', label === 'include with variable' ? 'query Bomb($yes: Boolean = true) {' : 'query Bomb {');
      cases.push(post('fragments', `chain ${levels} x2 ${label}`, query));
    }
    cases.push(post('fragments', `chain ${levels} x3 aliased leaves`, fragmentChain(levels, 3, 'a: communities { code } b: communities { name }', () => '')));
    cases.push(post('fragments', `chain ${levels} on Community`, `{ communities { ...F0 } }\n${fragmentChain(levels, 2, 'code shops { name }', (_i, j) => (j ? ' @skip(if: false)' : ' @include(if: true)'), 'Community').split('\n').slice(1).join('\n')}`));
    // Nested inline fragments, each with a directive, doubling per level.
    // Nested inline fragments, each with a directive: doubled per level while the text stays under 200 kB
    // (the token limit refuses those), one branch per level beyond.
    let inline = 'communities { code }';
    let doubled = 0;
    while (doubled < levels && inline.length < 100_000) {
      inline = `... on Query @include(if: true) { ${inline} } ... on Query @skip(if: false) { ${inline} }`;
      doubled += 1;
    }
    const rest = levels - doubled;
    inline = `${'... on Query @include(if: true) { '.repeat(rest)}${inline}${' }'.repeat(rest)}`;
    cases.push(post('fragments', `inline fragments ${levels} levels (${doubled} doubled)`, `{ ${inline} }`));
    // Aliases at every level of a doubling chain.
    cases.push(post('fragments', `chain ${levels} aliased fields per level`, fragmentChain(levels, 2, 'x: __typename', (i) => ` @include(if: ${i % 2 === 0})`)));
  }
  cases.push(post('fragments', 'fragment cycle', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'));
  cases.push(post('fragments', 'self-spreading fragment', 'query { ...A } fragment A on Query { communities { code } ...A }'));
  cases.push(post('fragments', 'unknown fragment', '{ ...Nope }'));
  cases.push(post('fragments', 'fragment on unknown type', '{ ...A } fragment A on Nope { x }'));
  cases.push(post('fragments', 'fragment on wrong type', '{ ...A } fragment A on Shop { name }'));
  cases.push(post('fragments', 'fragment on scalar', '{ ...A } fragment A on String { x }'));
  cases.push(post('fragments', 'duplicate fragment names', '{ ...A } fragment A on Query { __typename } fragment A on Query { communities { code } }'));
  cases.push(post('fragments', 'unused fragment', '{ __typename } fragment A on Query { __typename }'));
  cases.push(post('fragments', '400 fragments spread once each', `{ ${Array.from({ length: 400 }, (_, i) => `...G${i}`).join(' ')} } ${Array.from({ length: 400 }, (_, i) => `fragment G${i} on Query { __typename }`).join(' ')}`));
  return cases;
}

function operations(): HostileCase[] {
  const two = 'query A { __typename } query B { communities { code } }';
  const cases: HostileCase[] = [
    post('operations', 'unknown operationName', '{ __typename }', { graphql: { query: 'query A { __typename }', operationName: 'Nope' } }),
    post('operations', 'empty operationName', '', { graphql: { query: 'query A { __typename }', operationName: '' } }),
    post('operations', 'empty operationName, two operations', '', { graphql: { query: two, operationName: '' } }),
    post('operations', 'two operations without a name', two),
    post('operations', 'two anonymous operations', '{ __typename } { communities { code } }'),
    post('operations', 'anonymous and named', '{ __typename } query B { __typename }'),
    post('operations', 'named operation picked', '', { graphql: { query: two, operationName: 'B' } }),
    post('operations', 'subscription', 'subscription { __typename }'),
    post('operations', 'named subscription', 'subscription S { communities { code } }'),
    post('operations', 'subscription among queries', '', { graphql: { query: 'query A { __typename } subscription S { __typename }', operationName: 'S' } }),
    post('operations', 'only fragments', 'fragment A on Query { __typename }'),
    post('operations', 'mutation without fields', 'mutation { __typename }'),
    post('operations', 'mutation of an unknown field', 'mutation { nope }'),
    post('operations', 'introspection in a directive-bearing inline fragment', '{ ... on Query @include(if: true) { __schema { queryType { name } } } }'),
    post('operations', 'introspection in a skipped inline fragment', '{ ... on Query @skip(if: true) { __schema { queryType { name } } } }'),
    post('operations', 'introspection inside a named fragment', '{ ...I } fragment I on Query { __schema { queryType { name } } }'),
    post('operations', 'introspection mixed with data', '{ __schema { queryType { name } } communities { code } }'),
    post('operations', 'introspection mixed under fragment', '{ ... on Query @include(if: true) { __schema { queryType { name } } communities { code } } }'),
    post('operations', '__type of unknown', '{ __type(name: "Nope") { name } }'),
    post('operations', '__type without name', '{ __type { name } }'),
    post('operations', 'typename under include', '{ __typename @include(if: false) }'),
    post('operations', 'everything skipped', '{ communities @skip(if: true) { code } }'),
    post('operations', 'defer', '{ communities { code ... @defer { name } } }'),
    post('operations', 'stream', '{ communities @stream(initialCount: 1) { code } }'),
    post('operations', 'unknown directive', '{ communities @nope { code } }'),
    post('operations', 'internal directive', '{ communities @routeBy(arg: "x") { code } }'),
    post('operations', '_entities from outside', '{ _entities(representations: [{ __typename: "Shop", id: "x" }]) { __typename } }'),
    post('operations', '_service from outside', '{ _service { sdl } }'),
  ];
  for (const name of ['Nope', 'A B', '', ' ', 'A\u0000', 'x'.repeat(10_000)]) {
    cases.push(post('operations', `operationName ${JSON.stringify(name.slice(0, 12))}${name.length > 12 ? '…' : ''}`, '', { graphql: { query: two, operationName: name } }));
  }
  return cases;
}

/** Bad literals for an input type, as GraphQL source text. */
function badValues(type: GraphQLInputType): string[] {
  const named = getNamedType(type);
  const values = ['null', '"x"', '1e309', '-1e309', '2147483648', '-2147483649', '""', '[]', '{}', `"${'长'.repeat(20_000)}"`];
  if (isScalarType(named)) {
    if (named.name === 'ID' || named.name === 'String') {
      values.push('"fahua"', '":::"', '"nope:Shop:1"', '"fahua:Shop:-1"', '"fahua:Shop:99999999999999999999999"', '"fahua:Shop:1e3"', '"FAHUA:Shop:1"', '"fahua:Nope:1"', '"\\u0000"', '"\' or 1=1 --"', '"$(rm -rf /)"', '"../../etc/passwd"', '"%s%s%s%n"');
    }
    if (named.name === 'Int' || named.name === 'Float') values.push('-1', '0', '2147483647', '1.5', 'NaN', '1e308', '-0');
    if (named.name === 'DateTime') values.push('"2026-13-45T99:99:99Z"', '"+275760-09-13T00:00:00.001Z"', '"yesterday"', '"1970-01-01T00:00:00Z"', '"9999-12-31T23:59:59Z"', '0', '1e309');
  }
  if (isEnumType(named)) values.push('NOPE', '"OPEN"', named.getValues()[0]?.name ?? 'X');
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    values.push(`{ ${fields.map((f) => `${f.name}: null`).join(' ')} }`, `{ nope: 1 }`, `{ ${fields.map((f) => `${f.name}: "x"`).join(' ')} }`);
  }
  if (isListType(getNullableType(type))) values.push(`[${Array.from({ length: 2000 }, () => 'null').join(',')}]`, '[[[["x"]]]]');
  return values;
}

function selectionOf(type: GraphQLObjectType | undefined): string {
  return type ? `{ ${scalarField(type)} }` : '';
}

function argumentCases(schema: GraphQLSchema): HostileCase[] {
  const cases: HostileCase[] = [];
  const roots: [string, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const returned = getNamedType(field.type);
      const selection = isObjectType(returned) ? selectionOf(returned) : '';
      const args: readonly GraphQLArgument[] = field.args;
      for (const arg of args) {
        for (const value of badValues(arg.type)) {
          const others = args.filter((a) => a !== arg && isNonNullType(a.type) && a.defaultValue === undefined).map((a) => `${a.name}: ${placeholder(a.type)}`);
          const text = `${operation} { ${field.name}(${[`${arg.name}: ${value}`, ...others].join(', ')}) ${selection} }`;
          cases.push(post('arguments', `${operation} ${field.name}(${arg.name}: ${value.slice(0, 24)}${value.length > 24 ? '…' : ''})`, text, { signedIn: true }));
        }
        // The same bad values as variables, which reach coercion instead of validation.
        for (const variable of [null, 'x', 1e308, -1, [], {}, 'nope:Shop:1', 'fahua:Shop:99999999999999999999']) {
          const others = args.filter((a) => a !== arg && isNonNullType(a.type) && a.defaultValue === undefined).map((a) => `${a.name}: ${placeholder(a.type)}`);
          const text = `${operation}($v: ${String(arg.type)}) { ${field.name}(${[`${arg.name}: $v`, ...others].join(', ')}) ${selection} }`;
          cases.push({ ...post('arguments', `${operation} ${field.name}($${arg.name} = ${JSON.stringify(variable)})`, text, { signedIn: true }), graphql: { query: text, variables: { v: variable } } });
        }
      }
    }
  }
  return cases;
}

/** A well-formed value of an input type (valid shape, meaningless content), for the arguments not under test. */
function placeholder(type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (isListType(getNullableType(type))) return '[]';
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) {
    return `{ ${Object.values(named.getFields())
      .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
      .map((f) => `${f.name}: ${placeholder(f.type)}`)
      .join(' ')} }`;
  }
  if (named.name === 'Int' || named.name === 'Float') return '1';
  if (named.name === 'Boolean') return 'true';
  if (named.name === 'DateTime') return '"2030-01-01T00:00:00Z"';
  return '"fahua:Shop:1"';
}

export function hostileCorpus(schema: GraphQLSchema): HostileCase[] {
  return [...transport(), ...parse(), ...validation(schema), ...fragments(), ...operations(), ...argumentCases(schema)];
}
