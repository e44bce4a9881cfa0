import { ApolloArmor } from '@escape.tech/graphql-armor';
import { lilongError } from '@lilong/schema';
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { limitError, tokenLimitError, type LimitName } from '@lilong/kit/src/hub';
import type { OperationLimits } from './limits';
import { expandedSize, introspectionPlacement } from './measure';

export type GuardVerdict =
  | { ok: true; document: DocumentNode; operation: OperationDefinitionNode; introspectionOnly: boolean }
  | { ok: false; errors: readonly GraphQLError[] };

/**
 * The hub's first look at a document, before graphql-js validation and the query planner: parse with a token
 * limit, pick the operation as the GraphQL-over-HTTP spec says, and measure it against the operation limits
 * (graphql-armor's depth, aliases, directives and cost; our own count of selections and fan-out requests after
 * fragment expansion). Everything here is linear in the document's size, so a hostile document is refused in
 * milliseconds; every refusal is a coded client error.
 */
export class OperationGuard {
  private readonly armorRules: ValidationRule[];
  /**
   * Documents that passed, by schema and then by transport, operation name and text, most recently used last: a
   * client sends the same few operations again and again, and each look costs a parse and a validation. The
   * fan-out limit, which follows the directory, is still checked on every request.
   */
  private readonly passed = new WeakMap<GraphQLSchema, Map<string, Passed>>();

  constructor(
    private readonly limits: OperationLimits,
    private readonly fanoutCoordinates: ReadonlySet<string>,
    /** Communities a fan-out field asks right now. */
    private readonly fanoutWidth: () => number,
  ) {
    const reject = (limit: LimitName, max: number) => [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = Number(/found (\d+(?:\.\d+)?)/.exec(error.message)?.[1]);
        context?.reportError(limitError('hub', limit, max, Number.isFinite(found) ? Math.ceil(found) : undefined));
      },
    ];
    const common = { propagateOnRejection: false, exposeLimits: true };
    this.armorRules = new ApolloArmor({
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: false },
      maxDepth: { ...common, n: limits.maxDepth, onReject: reject('depth', limits.maxDepth) },
      maxAliases: { ...common, n: limits.maxAliases, onReject: reject('aliases', limits.maxAliases) },
      maxDirectives: { ...common, n: limits.maxDirectives, onReject: reject('directives', limits.maxDirectives) },
      costLimit: { ...common, maxCost: limits.maxCost, onReject: reject('cost', limits.maxCost) },
    }).protect().validationRules;
  }

  /**
   * `transport`: `http` (POST/GET /graphql) serves queries and mutations; `live` (SSE at /graphql/stream, WebSocket at
   * /graphql) serves subscriptions only.
   */
  check(schema: GraphQLSchema, query: string, operationName: unknown, transport: 'http' | 'live' = 'http'): GuardVerdict {
    const key = query.length <= PASSED_MAX_CHARS && (operationName === undefined || operationName === null || typeof operationName === 'string') ? `${transport}\u0000${operationName ?? ''}\u0000${query}` : undefined;
    let cache = this.passed.get(schema);
    let passed = key === undefined ? undefined : cache?.get(key);
    if (passed) {
      // Used again: to the back of the queue.
      cache!.delete(key!);
      cache!.set(key!, passed);
    } else {
      const looked = this.look(schema, query, operationName, transport);
      if (!('document' in looked)) return looked;
      passed = looked;
      if (key !== undefined) {
        if (!cache) this.passed.set(schema, (cache = new Map()));
        if (cache.size >= PASSED_CAPACITY) cache.delete(cache.keys().next().value!);
        cache.set(key, passed);
      }
    }
    const fanoutRequests = passed.fanoutFields * this.fanoutWidth();
    if (fanoutRequests > this.limits.maxFanoutRequests) {
      return { ok: false, errors: [limitError('hub', 'fanout', this.limits.maxFanoutRequests, fanoutRequests)] };
    }
    return { ok: true, document: passed.document, operation: passed.operation, introspectionOnly: passed.introspectionOnly };
  }

  /** Everything but the fan-out limit: what holds for a document and a schema whatever the directory lists. */
  private look(schema: GraphQLSchema, query: string, operationName: unknown, transport: 'http' | 'live'): Passed | { ok: false; errors: readonly GraphQLError[] } {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: false });
    } catch (error) {
      // A document nested thousands of brackets deep overflows the parser's stack before the token limit.
      if (error instanceof RangeError) return { ok: false, errors: [limitError('hub', 'depth', this.limits.maxDepth)] };
      if (!(error instanceof GraphQLError)) throw error;
      const tooMany = tokenLimitError(error.message, 'hub');
      if (tooMany) return { ok: false, errors: [tooMany] };
      return { ok: false, errors: [parseFailed(error)] };
    }
    const operation = pickOperation(document, operationName);
    if (operation instanceof GraphQLError) return { ok: false, errors: [operation] };
    if (transport === 'live' && operation.operation !== 'subscription') {
      return {
        ok: false,
        errors: [
          lilongError('OPERATION_NOT_SUPPORTED', {
            en: `Only subscriptions are served here; send a ${operation.operation} with POST /graphql.`,
            zh: '此处只提供订阅，查询和变更请用 POST /graphql 发送。',
          }),
        ],
      };
    }
    if (transport === 'http' && operation.operation === 'subscription') {
      return {
        ok: false,
        errors: [
          lilongError('OPERATION_NOT_SUPPORTED', {
            en: 'Subscriptions are not served over plain HTTP requests: subscribe over SSE (POST /graphql/stream, graphql-sse) or WebSocket (/graphql, graphql-transport-ws).',
            zh: '普通 HTTP 请求不支持订阅：请通过 SSE（POST /graphql/stream）或 WebSocket（/graphql）订阅。',
          }),
        ],
      };
    }
    const size = expandedSize(document, operation, schema, this.fanoutCoordinates);
    if (size.selections > this.limits.maxSelections) {
      return { ok: false, errors: [limitError('hub', 'selections', this.limits.maxSelections, size.selections)] };
    }
    const refusals = validate(schema, document, this.armorRules, { maxErrors: 10 });
    if (refusals.length > 0) return { ok: false, errors: refusals };
    const introspection = introspectionPlacement(document, operation);
    if (introspection === 'nested') {
      return {
        ok: false,
        errors: [
          lilongError('OPERATION_NOT_SUPPORTED', {
            en: 'Ask for __schema or __type at the top level of the query (or in a query of its own), not inside a fragment beside other fields.',
            zh: '请在查询的最外层（或单独的查询中）请求 __schema 或 __type，不要放在与其他字段并列的片段内。',
          }),
        ],
      };
    }
    return { document, operation, introspectionOnly: introspection === 'only', fanoutFields: size.fanoutFields };
  }
}

/** A document that passed every limit but the fan-out one, with what that one needs. */
interface Passed {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  introspectionOnly: boolean;
  fanoutFields: number;
}

/** Documents remembered as passed, per schema; longer ones are looked at every time. */
const PASSED_CAPACITY = 256;
const PASSED_MAX_CHARS = 32 * 1024;

function parseFailed(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: {
      code: 'GRAPHQL_PARSE_FAILED',
      messageZh: `查询语法错误：${error.locations?.[0] ? `第 ${error.locations[0].line} 行第 ${error.locations[0].column} 列` : '无法解析'}。`,
    },
  });
}

/** The operation to run, as the GraphQL-over-HTTP spec picks it; an empty `operationName` counts as none. */
export function pickOperation(document: DocumentNode, operationName: unknown): OperationDefinitionNode | GraphQLError {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const failure = (en: string, zh: string) => lilongError('OPERATION_RESOLUTION_FAILURE', { en, zh });
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return failure('operationName must be a string.', 'operationName 必须是字符串。');
  }
  if (operations.length === 0) return failure('The document has no operation to run.', '文档中没有可执行的操作。');
  if (operationName) {
    const named = operations.find((o) => o.name?.value === operationName);
    if (named) return named;
    return failure(`The document has no operation named "${operationName}".`, `文档中没有名为 "${operationName}" 的操作。`);
  }
  if (operations.length > 1) {
    return failure(
      'The document has several operations: say which one to run in operationName.',
      '文档包含多个操作，请在 operationName 中指明要执行哪一个。',
    );
  }
  return operations[0]!;
}
