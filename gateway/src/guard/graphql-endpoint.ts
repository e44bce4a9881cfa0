import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { executeGraphQLHttp, HttpInputError, readJsonBody, sendGraphQLError, sendJson, type Caller } from '@lilong/kit/src/hub';
import { lilongError } from '@lilong/schema';
import { execute, Kind, validate, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { MEMBERSHIP_MUTATIONS, type RolesElsewhere } from '../routing/home-communities';
import type { HubContext } from '../routing/sharded-data-source';
import type { RateLimits, RequestBudget } from './limits';
import type { OperationGuard } from './operation-guard';
import { callerKey, type CallerRateLimiter } from './rate-limit';

export interface GraphQLEndpoint {
  server: ApolloServer<HubContext>;
  schema: () => GraphQLSchema | undefined;
  guard: OperationGuard;
  rateLimiter: CallerRateLimiter;
  rateLimits: RateLimits;
  budget: RequestBudget;
  caller: Caller;
  /** The caller's roles in every community, by their records; called at most once per request, when a node needs them. */
  rolesElsewhere?: (caller: Caller, mutation: boolean) => RolesElsewhere;
  /** Called after a mutation that may have given someone a role (MEMBERSHIP_MUTATIONS). */
  onMembershipsChanged?: () => void;
  /** @default true */
  enabled: boolean;
}

interface Params {
  query?: unknown;
  operationName?: unknown;
}

function sendErrors(res: ServerResponse, status: number, errors: readonly (GraphQLError | GraphQLFormattedError)[], headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: errors.map((e) => ('toJSON' in e && typeof e.toJSON === 'function' ? e.toJSON() : e)) }, headers);
}

/** The GraphQL request's parameters, from a POST body or a GET query string; undefined when absent. */
function paramsOf(req: IncomingMessage, body: unknown): Params | undefined {
  if (req.method === 'GET') {
    const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
    return { query: search.get('query') ?? undefined, operationName: search.get('operationName') ?? undefined };
  }
  if (Array.isArray(body)) throw new HttpInputError(400, 'batched requests (a JSON array) are not supported; send one operation per request', '不支持批量请求（JSON 数组），每次请发送一个操作');
  if (body && typeof body === 'object') return body as Params;
  return undefined;
}

/**
 * The hub's `/graphql`: rate limit per caller, then the operation guard, then Apollo Server (gateway, planner,
 * communities). Introspection-only operations are answered here from the API schema: they need no community,
 * and the gateway's planner mishandles them under inline fragments with directives. Every refusal is a coded
 * JSON error with a 4xx status.
 */
export async function serveGraphQL(req: IncomingMessage, res: ServerResponse, endpoint: GraphQLEndpoint): Promise<void> {
  const { caller } = endpoint;
  if (req.method !== 'GET' && req.method !== 'POST') {
    req.resume();
    sendGraphQLError(
      res,
      405,
      'BAD_REQUEST',
      { en: `Bad request: ${req.method} is not served here; send GraphQL with POST (or queries with GET).`, zh: `请求无效：不支持 ${req.method} 方法，请用 POST（查询也可用 GET）发送。` },
      {},
      { allow: 'GET, POST' },
    );
    return;
  }
  const wait = !endpoint.enabled ? 0 : await endpoint.rateLimiter.take(callerKey(req, caller, endpoint.rateLimits.trustProxy));
  if (wait > 0) {
    req.resume();
    sendErrors(
      res,
      429,
      [
        lilongError(
          'RATE_LIMITED',
          {
            en: `Too many requests: at most ${endpoint.rateLimits.perMinute} a minute per caller. Retry in ${wait} s.`,
            zh: `请求过于频繁：每位调用者每分钟最多 ${endpoint.rateLimits.perMinute} 次，请 ${wait} 秒后重试。`,
          },
          { retryAfterSeconds: wait },
        ),
      ],
      { 'retry-after': String(wait) },
    );
    return;
  }
  const body = await readJsonBody(req);
  const params = paramsOf(req, body);
  const schema = endpoint.schema();
  const method = req.method ?? 'GET';
  let operationType: string | undefined;
  // Unknown without the guard's parse (LILONG_GUARD=off): then every mutation counts.
  let changesMemberships = true;
  /** The operation the guard picked: Apollo must run the same one (an empty operationName means none to us). */
  let pickedName: string | undefined | null = null;
  if (endpoint.enabled && params && typeof params.query === 'string' && schema && (method === 'GET' || method === 'POST')) {
    const verdict = endpoint.guard.check(schema, params.query, params.operationName);
    if (!verdict.ok) {
      sendErrors(res, 400, verdict.errors);
      return;
    }
    operationType = verdict.operation.operation;
    changesMemberships =
      operationType === 'mutation' &&
      verdict.operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || MEMBERSHIP_MUTATIONS.has(s.name.value));
    pickedName = verdict.operation.name?.value;
    if (operationType === 'mutation' && method === 'GET') {
      sendGraphQLError(res, 405, 'BAD_REQUEST', { en: 'Bad request: mutations must be sent with POST.', zh: '请求无效：变更操作须使用 POST 发送。' }, {}, { allow: 'POST' });
      return;
    }
    if (verdict.introspectionOnly) {
      const invalid = validate(schema, verdict.document);
      if (invalid.length > 0) {
        sendErrors(res, 400, invalid.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', messageZh: '查询与接口定义不符。' } })));
        return;
      }
      const variables = (body as { variables?: unknown } | undefined)?.variables;
      const result = await execute({
        schema,
        document: verdict.document,
        operationName: verdict.operation.name?.value,
        variableValues: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : undefined,
      });
      sendJson(res, 200, result);
      return;
    }
  }
  const deadline = Date.now() + (operationType === 'mutation' ? endpoint.budget.mutationMs : endpoint.budget.queryMs);
  // Made now (a census of every community starts at once when needed), while Apollo validates and plans.
  const rolesElsewhere = endpoint.rolesElsewhere && caller.identity ? endpoint.rolesElsewhere(caller, operationType === 'mutation') : undefined;
  try {
    await executeGraphQLHttp(endpoint.server, req, res, async () => ({ caller, deadline, rolesElsewhere }), normalised(req, body, pickedName));
  } finally {
    if (changesMemberships && operationType !== 'query') endpoint.onMembershipsChanged?.();
  }
}

/** The request as Apollo should see it: with the operation the guard picked named (or unnamed) explicitly. */
function normalised(req: IncomingMessage, body: unknown, pickedName: string | undefined | null) {
  if (pickedName === null) return { body };
  if (req.method === 'GET') {
    const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
    if (pickedName === undefined) search.delete('operationName');
    else search.set('operationName', pickedName);
    return { body, search: `?${search.toString()}` };
  }
  const { operationName: _given, ...rest } = body as Record<string, unknown>;
  return { body: pickedName === undefined ? rest : { ...rest, operationName: pickedName } };
}
