/**
 * A community node's own limits on the documents it runs, in case something other than the hub's checked query
 * plan reaches it. They sit far above what the planner sends for documents within the hub's limits (depth 12,
 * 1500 selections after fragment expansion, 2000 tokens: a fetch adds `_entities`, key fields and `__typename`),
 * and far below what hurts a node: graphql-js validation takes about a second per 80,000 tokens, and a fragment
 * spread twice per level doubles the work of execution per level.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { lilongError } from '@lilong/schema';

export interface DocumentLimits {
  /** Lexical tokens (graphql-js stops parsing there). @default 20000 */
  maxTokens: number;
  /** Nesting of fields, fragments expanded. @default 32 */
  maxDepth: number;
  /** Field selections once every fragment is expanded in place. @default 10000 */
  maxSelections: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { maxTokens: 20_000, maxDepth: 32, maxSelections: 10_000 };

/** Every operation limit the hub or a node applies, as `extensions.limit` names it. */
export type LimitName = 'tokens' | 'depth' | 'aliases' | 'directives' | 'selections' | 'cost' | 'fanout';

export const LIMIT_LABELS: Record<LimitName, { en: string; zh: string }> = {
  tokens: { en: 'token', zh: '词法单元数' },
  depth: { en: 'depth', zh: '嵌套深度' },
  aliases: { en: 'alias', zh: '别名数' },
  directives: { en: 'directive', zh: '指令数' },
  selections: { en: 'selection (after expanding fragments)', zh: '展开片段后的字段数' },
  cost: { en: 'cost', zh: '计算成本' },
  fanout: { en: 'fan-out (requests to community nodes)', zh: '扇出请求数（发往各社区节点）' },
};

const WHERE = {
  hub: { en: "the hub's", zh: '枢纽的', adviceEn: ' Ask for less in one request, or split it.', adviceZh: '，请减少单次请求的内容或拆分请求' },
  node: { en: "the community node's", zh: '社区节点的', adviceEn: '', adviceZh: '' },
} as const;

/** The one refusal of every operation limit, at the hub or a node: `limit`, `max` and, when measured, `found`. */
export function limitError(where: keyof typeof WHERE, limit: LimitName, max: number, found?: number): GraphQLError {
  const label = LIMIT_LABELS[limit];
  const at = WHERE[where];
  return lilongError(
    'OPERATION_LIMIT_EXCEEDED',
    {
      en: `The document goes over ${at.en} ${label.en} limit of ${max}${found === undefined ? '' : `: found ${found}`}.${at.adviceEn}`,
      zh: `查询超出${at.zh}${label.zh}上限 ${max}${found === undefined ? '' : `（实际 ${found}）`}${at.adviceZh}。`,
    },
    { limit, max, ...(found === undefined ? {} : { found }) },
  );
}

export interface DocumentSize {
  depth: number;
  selections: number;
}

/** A document's fragment definitions, by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

export interface MeasureOptions {
  /** Counts stop growing here. @default Number.MAX_SAFE_INTEGER */
  cap?: number;
  /** Gives each selection its parent type, so that `fanoutCoordinates` can be counted. */
  schema?: GraphQLSchema;
  /** `Type.field` names whose selections are counted in `fanoutFields` (needs `schema`). */
  fanoutCoordinates?: ReadonlySet<string>;
}

export interface Measured extends DocumentSize {
  /** Selections of `fanoutCoordinates` fields. */
  fanoutFields: number;
}

/**
 * Depth, selections and fan-out selections of operations with fragments expanded, without expanding anything:
 * each fragment is measured once and counted per spread, so a chain of doubly-spread fragments (2^40 fields) is
 * measured in microseconds. Counts stop growing at `cap`; fragment cycles count nothing (validation refuses them);
 * unknown fields count as one selection.
 */
export function measureOperations(document: DocumentNode, operations: readonly OperationDefinitionNode[], options: MeasureOptions = {}): Measured {
  const cap = options.cap ?? Number.MAX_SAFE_INTEGER;
  const { schema, fanoutCoordinates } = options;
  const fragments = fragmentsOf(document);
  const memo = new Map<string, Measured>();
  const inProgress = new Set<string>();
  const none: Measured = { depth: 0, selections: 0, fanoutFields: 0 };

  const ofFragment = (name: string): Measured => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return none;
    inProgress.add(name);
    const size = ofSet(fragment.selectionSet, schema?.getType(fragment.typeCondition.name.value));
    inProgress.delete(name);
    memo.set(name, size);
    return size;
  };

  const ofSet = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined): Measured => {
    let depth = 0;
    let selections = 0;
    let fanoutFields = 0;
    for (const selection of set.selections) {
      let inner: Measured;
      if (selection.kind === Kind.FRAGMENT_SPREAD) inner = ofFragment(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = ofSet(selection.selectionSet, selection.typeCondition ? schema?.getType(selection.typeCondition.name.value) : parent);
      } else {
        const name = selection.name.value;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        const below = selection.selectionSet ? ofSet(selection.selectionSet, field ? getNamedType(field.type) : undefined) : none;
        const fanout = parent && fanoutCoordinates?.has(`${parent.name}.${name}`) ? 1 : 0;
        inner = { depth: below.depth + 1, selections: below.selections + 1, fanoutFields: below.fanoutFields + fanout };
      }
      depth = Math.max(depth, inner.depth);
      selections = Math.min(cap, selections + inner.selections);
      fanoutFields = Math.min(cap, fanoutFields + inner.fanoutFields);
    }
    return { depth, selections, fanoutFields };
  };

  const total: Measured = { ...none };
  for (const operation of operations) {
    const root = !schema ? undefined : operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
    const size = ofSet(operation.selectionSet, root);
    total.depth = Math.max(total.depth, size.depth);
    total.selections = Math.min(cap, total.selections + size.selections);
    total.fanoutFields = Math.min(cap, total.fanoutFields + size.fanoutFields);
  }
  return total;
}

/** Depth and selections of every operation of a document, fragments expanded (see `measureOperations`). */
export function measureDocument(document: DocumentNode, cap = Number.MAX_SAFE_INTEGER): DocumentSize {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const { depth, selections } = measureOperations(document, operations, { cap });
  return { depth, selections };
}

/** A validation rule refusing documents deeper or larger than `limits` (tokens are limited by the parser). */
export function documentLimitsRule(limits: DocumentLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const size = measureDocument(document, limits.maxSelections + 1);
      if (size.depth > limits.maxDepth) context.reportError(limitError('node', 'depth', limits.maxDepth, size.depth));
      if (size.selections > limits.maxSelections) context.reportError(limitError('node', 'selections', limits.maxSelections));
      return false;
    },
  });
}

/** graphql-js stops parsing at `maxTokens` with this message (sic: "more that" in graphql 16). */
const TOO_MANY_TOKENS = /contains more th(?:an|at) (\d+) tokens/;

/** The token limit's refusal, from the parser's syntax error; undefined for any other syntax error. */
export function tokenLimitError(message: string, where: 'hub' | 'node' = 'node'): GraphQLError | undefined {
  const match = TOO_MANY_TOKENS.exec(message);
  return match ? limitError(where, 'tokens', Number(match[1])) : undefined;
}
