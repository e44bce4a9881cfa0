/**
 * A community node's own limits on the documents it runs, in case something other than the hub's checked query
 * plan reaches it. They sit far above what the planner sends for documents within the hub's limits (depth 12,
 * 1500 selections after fragment expansion, 2000 tokens: a fetch adds `_entities`, key fields and `__typename`),
 * and far below what hurts a node: graphql-js validation takes about a second per 80,000 tokens, and a fragment
 * spread twice per level doubles the work of execution per level.
 */
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';
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

export type DocumentLimitName = 'tokens' | 'depth' | 'selections';

const LABELS: Record<DocumentLimitName, { en: string; zh: string }> = {
  tokens: { en: 'token', zh: '词法单元数' },
  depth: { en: 'depth', zh: '嵌套深度' },
  selections: { en: 'selection (after expanding fragments)', zh: '展开片段后的字段数' },
};

/** Same code and extensions as the hub's operation limits: `limit`, `max` and, when measured, `found`. */
export function documentLimitError(limit: DocumentLimitName, max: number, found?: number): GraphQLError {
  const label = LABELS[limit];
  return lilongError(
    'OPERATION_LIMIT_EXCEEDED',
    {
      en: `The document goes over the community node's ${label.en} limit of ${max}${found === undefined ? '' : `: found ${found}`}.`,
      zh: `查询超出社区节点的${label.zh}上限 ${max}${found === undefined ? '' : `（实际 ${found}）`}。`,
    },
    { limit, max, ...(found === undefined ? {} : { found }) },
  );
}

export interface DocumentSize {
  depth: number;
  selections: number;
}

/**
 * Depth and selections of every operation of a document with fragments expanded, without expanding anything:
 * each fragment is measured once and counted per spread, so a chain of doubly-spread fragments is measured in
 * microseconds. Counts stop growing at `cap`; fragment cycles count nothing (validation refuses them).
 */
export function measureDocument(document: DocumentNode, cap = Number.MAX_SAFE_INTEGER): DocumentSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, DocumentSize>();
  const inProgress = new Set<string>();
  const none: DocumentSize = { depth: 0, selections: 0 };

  const ofFragment = (name: string): DocumentSize => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return none;
    inProgress.add(name);
    const size = ofSet(fragment.selectionSet);
    inProgress.delete(name);
    memo.set(name, size);
    return size;
  };

  const ofSet = (set: SelectionSetNode): DocumentSize => {
    let depth = 0;
    let selections = 0;
    for (const selection of set.selections) {
      let inner: DocumentSize;
      if (selection.kind === Kind.FRAGMENT_SPREAD) inner = ofFragment(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) inner = ofSet(selection.selectionSet);
      else {
        const below = selection.selectionSet ? ofSet(selection.selectionSet) : none;
        inner = { depth: below.depth + 1, selections: below.selections + 1 };
      }
      depth = Math.max(depth, inner.depth);
      selections = Math.min(cap, selections + inner.selections);
    }
    return { depth, selections };
  };

  const total: DocumentSize = { depth: 0, selections: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const size = ofSet(definition.selectionSet);
    total.depth = Math.max(total.depth, size.depth);
    total.selections = Math.min(cap, total.selections + size.selections);
  }
  return total;
}

/** A validation rule refusing documents deeper or larger than `limits` (tokens are limited by the parser). */
export function documentLimitsRule(limits: DocumentLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const size = measureDocument(document, limits.maxSelections + 1);
      if (size.depth > limits.maxDepth) context.reportError(documentLimitError('depth', limits.maxDepth, size.depth));
      if (size.selections > limits.maxSelections) context.reportError(documentLimitError('selections', limits.maxSelections));
      return false;
    },
  });
}

/** graphql-js stops parsing at `maxTokens` with this message (sic: "more that" in graphql 16). */
const TOO_MANY_TOKENS = /contains more th(?:an|at) (\d+) tokens/;

/** The token limit's refusal, from the parser's syntax error; undefined for any other syntax error. */
export function tokenLimitError(message: string): GraphQLError | undefined {
  const match = TOO_MANY_TOKENS.exec(message);
  return match ? documentLimitError('tokens', Number(match[1])) : undefined;
}
