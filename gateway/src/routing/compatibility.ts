import { createHash } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  findBreakingChanges,
  findDangerousChanges,
  GraphQLSchema,
  Kind,
  parse,
  print,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Whether a community node's subgraph SDL can stand in for the one the hub's supergraph was composed from: the
 * rule that lets communities upgrade one at a time (docs/upgrades.md).
 *
 * The hub sends a node only what its own supergraph plans, so a node may serve more than that (a release ahead:
 * new types, fields, enum values, optional arguments), never less or otherwise:
 *  - no breaking change from the expected SDL to the served one, as graphql-js sees them (`findBreakingChanges`:
 *    a type, field, argument or enum value removed, a type changed, a nullable result where non-null was
 *    promised, an argument made required, ...);
 *  - the federation contract the query planner relies on is intact for every type and field the expected SDL has
 *    (graphql-js does not look at applied directives): each expected `@key` still there (same fields, same
 *    `resolvable`), `@external`, `@override` and `@interfaceObject` as expected, `@requires` asking for no more
 *    than the hub sends, `@provides` promising no less, `@shareable` kept, and the composed routing directives
 *    (`@routeBy`, `@fanout`) unchanged, since the hub routes by its own copy of them.
 * Dangerous changes (`findDangerousChanges`) are accepted and reported: an enum value the hub does not know comes
 * back from the gateway as a field error for that value (null), never as a failed request.
 */

export interface SchemaChange {
  /** A graphql-js `BreakingChangeType` / `DangerousChangeType`, or one of the federation kinds below. */
  kind: string;
  description: string;
}

/** What the checker says about one served SDL. */
export interface CompatibilityVerdict {
  compatible: boolean;
  /** Why it is refused: empty when compatible. */
  breaking: SchemaChange[];
  /** Accepted, but worth an operator's eye (e.g. `VALUE_ADDED_TO_ENUM`). */
  dangerous: SchemaChange[];
  /** SHA-256 of the served SDL modulo whitespace and comments. */
  sdlHash: string;
}

/** Federation change kinds, beside graphql-js's. */
export const FEDERATION_CHANGE = {
  INVALID_SDL: 'INVALID_SDL',
  KEY_REMOVED: 'KEY_REMOVED',
  EXTERNAL_CHANGED: 'EXTERNAL_CHANGED',
  REQUIRES_CHANGED: 'REQUIRES_CHANGED',
  PROVIDES_CHANGED: 'PROVIDES_CHANGED',
  SHAREABLE_REMOVED: 'SHAREABLE_REMOVED',
  OVERRIDE_CHANGED: 'OVERRIDE_CHANGED',
  INTERFACE_OBJECT_CHANGED: 'INTERFACE_OBJECT_CHANGED',
  ROUTING_CHANGED: 'ROUTING_CHANGED',
} as const;

/** SDL compared modulo the generated header, comments and whitespace. */
export function normalizeSdl(sdl: string): string {
  return sdl
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
}

export function sdlHash(sdl: string): string {
  return createHash('sha256').update(normalizeSdl(sdl)).digest('hex');
}

/** One parsed side: the schema as graphql-js sees it, and the applied directives per type and field. */
interface Side {
  schema: GraphQLSchema;
  types: Map<string, TypeDirectives>;
  /** Local names of the federation directives (an `@link` import may rename them; unimported ones are `federation__x`). */
  names: Map<string, string>;
  /** Local names of the directives the SDL composes into the supergraph (`@composeDirective`). */
  composed: Set<string>;
}

interface TypeDirectives {
  directives: DirectiveNode[];
  fields: Map<string, DirectiveNode[]>;
}

const FEDERATION_SPEC = /^https:\/\/specs\.apollo\.dev\/federation\/v\d+\.\d+$/;
const FEDERATION_DIRECTIVES = ['key', 'external', 'requires', 'provides', 'shareable', 'override', 'interfaceObject', 'extends'] as const;
type FederationDirective = (typeof FEDERATION_DIRECTIVES)[number];

function readSide(sdl: string): Side {
  const document = parse(sdl);
  const schema = withoutTypeSystemDirectives(buildSubgraphSchema(document));
  return { schema, types: directivesByType(document), names: federationNames(document), composed: composedDirectives(document) };
}

/**
 * Directive definitions that only annotate the schema (federation's, the routing ones) never appear in what the
 * hub sends a node: a node on another federation version lacks or adds some, harmlessly. Their applications are
 * compared by `federationChanges`; executable directives (`@include`, `@skip`, custom ones) stay compared.
 */
function withoutTypeSystemDirectives(schema: GraphQLSchema): GraphQLSchema {
  const executable = new Set(['QUERY', 'MUTATION', 'SUBSCRIPTION', 'FIELD', 'FRAGMENT_DEFINITION', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT', 'VARIABLE_DEFINITION']);
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: config.directives.filter((d) => d.locations.some((l) => executable.has(l))) });
}

function directivesByType(document: DocumentNode): Map<string, TypeDirectives> {
  const out = new Map<string, TypeDirectives>();
  for (const def of document.definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    let type = out.get(def.name.value);
    if (!type) out.set(def.name.value, (type = { directives: [], fields: new Map() }));
    type.directives.push(...(def.directives ?? []));
    for (const field of def.fields ?? []) type.fields.set(field.name.value, [...(type.fields.get(field.name.value) ?? []), ...(field.directives ?? [])]);
  }
  return out;
}

function schemaDirectives(document: DocumentNode): DirectiveNode[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION ? [...(d.directives ?? [])] : []));
}

function argument(node: DirectiveNode, name: string): ValueNode | undefined {
  return node.arguments?.find((a: ArgumentNode) => a.name.value === name)?.value;
}

function stringArgument(node: DirectiveNode, name: string): string | undefined {
  const value = argument(node, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** Federation directive -> its local name in this SDL, from the federation `@link`'s imports. */
function federationNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>(FEDERATION_DIRECTIVES.map((d) => [d, `federation__${d}`]));
  const link = schemaDirectives(document).find((d) => d.name.value === 'link' && FEDERATION_SPEC.test(stringArgument(d, 'url') ?? ''));
  const imports = link ? argument(link, 'import') : undefined;
  if (imports?.kind !== Kind.LIST) return names;
  for (const item of imports.values) {
    if (item.kind === Kind.STRING) names.set(item.value.replace(/^@/, ''), item.value.replace(/^@/, ''));
    if (item.kind === Kind.OBJECT) {
      const field = (n: string) => item.fields.find((f) => f.name.value === n)?.value;
      const name = field('name');
      const as = field('as');
      if (name?.kind === Kind.STRING) names.set(name.value.replace(/^@/, ''), (as?.kind === Kind.STRING ? as.value : name.value).replace(/^@/, ''));
    }
  }
  return names;
}

function composedDirectives(document: DocumentNode): Set<string> {
  return new Set(
    schemaDirectives(document)
      .filter((d) => d.name.value === 'composeDirective' || d.name.value === 'federation__composeDirective')
      .map((d) => (stringArgument(d, 'name') ?? '').replace(/^@/, ''))
      .filter(Boolean),
  );
}

/** A field set (`"id"`, `"shop { id }"`) as a tree of selections, order-insensitive. */
type FieldTree = Map<string, FieldTree>;

function fieldTree(fields: string): FieldTree {
  const operation = parse(`{ ${fields} }`).definitions[0];
  return operation?.kind === Kind.OPERATION_DEFINITION ? treeOf(operation.selectionSet) : new Map();
}

function treeOf(set: SelectionSetNode | undefined): FieldTree {
  const out: FieldTree = new Map();
  for (const s of set?.selections ?? []) {
    const key = s.kind === Kind.FIELD ? s.name.value : s.kind === Kind.INLINE_FRAGMENT ? `... on ${s.typeCondition?.name.value ?? ''}` : `...${s.name.value}`;
    const sub = s.kind === Kind.FRAGMENT_SPREAD ? new Map() : treeOf(s.selectionSet);
    const known = out.get(key);
    if (known) for (const [k, v] of sub) known.set(k, v);
    else out.set(key, sub);
  }
  return out;
}

/** Every selection of `a` is in `b`. */
function within(a: FieldTree, b: FieldTree): boolean {
  for (const [key, sub] of a) {
    const other = b.get(key);
    if (!other || !within(sub, other)) return false;
  }
  return true;
}

const sameTree = (a: FieldTree, b: FieldTree) => within(a, b) && within(b, a);

function printTree(tree: FieldTree): string {
  return [...tree].map(([k, sub]) => (sub.size ? `${k} { ${printTree(sub)} }` : k)).join(' ');
}

interface Key {
  fields: FieldTree;
  resolvable: boolean;
}

/** What the contract says of one type or field, read in the side's own directive names. */
class Applied {
  constructor(
    private readonly side: Side,
    private readonly directives: readonly DirectiveNode[],
  ) {}

  private all(directive: FederationDirective): DirectiveNode[] {
    const name = this.side.names.get(directive);
    return this.directives.filter((d) => d.name.value === name);
  }

  has(directive: FederationDirective): boolean {
    return this.all(directive).length > 0;
  }

  fieldSet(directive: 'requires' | 'provides'): FieldTree | undefined {
    const node = this.all(directive)[0];
    return node ? fieldTree(stringArgument(node, 'fields') ?? '') : undefined;
  }

  keys(): Key[] {
    return this.all('key').map((node) => {
      const resolvable = argument(node, 'resolvable');
      return { fields: fieldTree(stringArgument(node, 'fields') ?? ''), resolvable: !(resolvable?.kind === Kind.BOOLEAN && !resolvable.value) };
    });
  }

  override(): string | undefined {
    const node = this.all('override')[0];
    return node ? (stringArgument(node, 'from') ?? '') : undefined;
  }

  /** The composed (routing) directives applied, printed with sorted arguments. */
  composed(): string[] {
    return this.directives
      .filter((d) => this.side.composed.has(d.name.value))
      .map((d) => `@${d.name.value}(${[...(d.arguments ?? [])].sort((x, y) => x.name.value.localeCompare(y.name.value)).map((a) => `${a.name.value}: ${print(a.value)}`).join(', ')})`)
      .sort();
  }
}

function federationChanges(expected: Side, served: Side): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (kind: string, description: string) => changes.push({ kind, description });
  for (const [typeName, want] of expected.types) {
    const got = served.types.get(typeName);
    if (!got) continue; // a removed type is findBreakingChanges' to report
    const wantType = new Applied(expected, want.directives);
    const gotType = new Applied(served, got.directives);
    const gotKeys = gotType.keys();
    for (const key of wantType.keys()) {
      if (!gotKeys.some((k) => k.resolvable === key.resolvable && sameTree(k.fields, key.fields))) {
        add(FEDERATION_CHANGE.KEY_REMOVED, `${typeName} no longer has @key(fields: "${printTree(key.fields)}"${key.resolvable ? '' : ', resolvable: false'}).`);
      }
    }
    if (wantType.has('interfaceObject') !== gotType.has('interfaceObject')) {
      add(FEDERATION_CHANGE.INTERFACE_OBJECT_CHANGED, `${typeName} ${wantType.has('interfaceObject') ? 'is no longer' : 'became'} an @interfaceObject.`);
    }
    if (wantType.has('external') !== gotType.has('external')) add(FEDERATION_CHANGE.EXTERNAL_CHANGED, `${typeName} ${wantType.has('external') ? 'is no longer' : 'became'} @external.`);
    for (const [fieldName, wantDirectives] of want.fields) {
      const gotDirectives = got.fields.get(fieldName);
      if (!gotDirectives) continue;
      const coordinate = `${typeName}.${fieldName}`;
      const w = new Applied(expected, wantDirectives);
      const g = new Applied(served, gotDirectives);
      // A type-level @shareable or @external covers its fields.
      const external = (a: Applied, t: Applied) => a.has('external') || t.has('external');
      const shareable = (a: Applied, t: Applied) => a.has('shareable') || t.has('shareable');
      if (external(w, wantType) !== external(g, gotType)) {
        add(FEDERATION_CHANGE.EXTERNAL_CHANGED, `${coordinate} ${external(w, wantType) ? 'is no longer @external: the node would resolve it itself' : 'became @external: the node no longer resolves it'}.`);
      }
      if (shareable(w, wantType) && !shareable(g, gotType)) add(FEDERATION_CHANGE.SHAREABLE_REMOVED, `${coordinate} is no longer @shareable.`);
      const wantRequires = w.fieldSet('requires') ?? new Map();
      const gotRequires = g.fieldSet('requires') ?? new Map();
      if (!within(gotRequires, wantRequires)) {
        add(FEDERATION_CHANGE.REQUIRES_CHANGED, `${coordinate} @requires(fields: "${printTree(gotRequires)}"), more than the hub sends ("${printTree(wantRequires)}").`);
      }
      const wantProvides = w.fieldSet('provides') ?? new Map();
      const gotProvides = g.fieldSet('provides') ?? new Map();
      if (!within(wantProvides, gotProvides)) {
        add(FEDERATION_CHANGE.PROVIDES_CHANGED, `${coordinate} @provides(fields: "${printTree(gotProvides)}"), less than the hub relies on ("${printTree(wantProvides)}").`);
      }
      if (w.override() !== g.override()) add(FEDERATION_CHANGE.OVERRIDE_CHANGED, `${coordinate} @override(from:) changed from ${w.override() ?? 'none'} to ${g.override() ?? 'none'}.`);
      const wantRouting = w.composed().join(' ');
      const gotRouting = g.composed().join(' ');
      if (wantRouting !== gotRouting) add(FEDERATION_CHANGE.ROUTING_CHANGED, `${coordinate} routing changed from ${wantRouting || 'none'} to ${gotRouting || 'none'}.`);
    }
  }
  return changes;
}

/** Federation's own entity union lists every entity; a newer node's new entity there is no news to the hub. */
const ENTITY_UNION = /^[A-Za-z_][A-Za-z0-9_]* was added to union type _Entity\.$/;

/**
 * Checks served SDL against the expected SDL of one subgraph. Pure and synchronous; building the two schemas is
 * the cost (tens of ms for a large subgraph), which is why `CompatibilityChecker` caches.
 */
export function checkCompatibility(expectedSdl: string, servedSdl: string): CompatibilityVerdict {
  return compare(expectedSdl, () => readSide(expectedSdl), servedSdl);
}

function compare(expectedSdl: string, expectedSide: () => Side, servedSdl: string): CompatibilityVerdict {
  const hash = sdlHash(servedSdl);
  if (normalizeSdl(expectedSdl) === normalizeSdl(servedSdl)) return { compatible: true, breaking: [], dangerous: [], sdlHash: hash };
  const expected = expectedSide();
  let served: Side;
  try {
    served = readSide(servedSdl);
  } catch (error) {
    const breaking = [{ kind: FEDERATION_CHANGE.INVALID_SDL, description: `The served SDL is not a valid subgraph schema: ${(error as Error).message.split('\n')[0]}` }];
    return { compatible: false, breaking, dangerous: [], sdlHash: hash };
  }
  const breaking: SchemaChange[] = [
    ...findBreakingChanges(expected.schema, served.schema).map((c) => ({ kind: c.type, description: c.description })),
    ...federationChanges(expected, served),
  ];
  const dangerous = findDangerousChanges(expected.schema, served.schema)
    .filter((c) => !ENTITY_UNION.test(c.description))
    .map((c) => ({ kind: c.type, description: c.description }));
  return { compatible: breaking.length === 0, breaking, dangerous, sdlHash: hash };
}

/** Verdicts kept per subgraph and SDL hash; a sub-district runs a few releases at a time, not hundreds. */
const MAX_CACHED_VERDICTS = 64;

/**
 * The hub's checker: the expected SDL of every subgraph (parsed once, when first needed), and a verdict per
 * (subgraph, served SDL hash), so thirty nodes on one release cost one check, and a re-verification of an
 * unchanged node costs a hash.
 */
export class CompatibilityChecker<Name extends string = string> {
  private readonly expectedSides = new Map<Name, Side>();
  private readonly verdicts = new Map<string, CompatibilityVerdict>();
  /** How many verdicts were computed rather than read from the cache (tests, benches). */
  computed = 0;

  constructor(private readonly expectedSdl: ReadonlyMap<Name, string>) {}

  check(subgraph: Name, servedSdl: string): CompatibilityVerdict {
    const key = `${subgraph}:${sdlHash(servedSdl)}`;
    const known = this.verdicts.get(key);
    if (known) {
      // Most recently used last.
      this.verdicts.delete(key);
      this.verdicts.set(key, known);
      return known;
    }
    const expectedSdl = this.expectedSdl.get(subgraph);
    let verdict: CompatibilityVerdict;
    if (expectedSdl === undefined) {
      verdict = { compatible: false, breaking: [{ kind: FEDERATION_CHANGE.INVALID_SDL, description: `The hub expects no ${subgraph} subgraph.` }], dangerous: [], sdlHash: sdlHash(servedSdl) };
    } else {
      verdict = compare(expectedSdl, () => this.expectedSide(subgraph, expectedSdl), servedSdl);
    }
    this.computed += 1;
    this.verdicts.set(key, verdict);
    while (this.verdicts.size > MAX_CACHED_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value as string);
    return verdict;
  }

  private expectedSide(subgraph: Name, sdl: string): Side {
    let side = this.expectedSides.get(subgraph);
    if (!side) this.expectedSides.set(subgraph, (side = readSide(sdl)));
    return side;
  }
}
