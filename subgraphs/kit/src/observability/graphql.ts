/**
 * What the GraphQL layer tells the observability of a request: the operation it ran and how it came out (for the
 * request's metrics, see request-context.ts), and, with tracing on, a span per root field resolver. Only root
 * fields (and `_entities`, a root field of every subgraph): a span per field of a large answer would cost more than
 * the answer.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { defaultFieldResolver, GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { outcomeOf } from './metrics';
import { noteOperation, noteOutcome } from './request-context';
import { failSpan, SpanKind, type Tracing } from './tracing';

/** Notes the operation name and outcome of each request on its request context. */
export function operationObserver<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, operationName, response }) {
          noteOperation(operationName ?? request.operationName);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          noteOutcome(outcomeOf(errors), errors?.[0]?.message);
        },
      };
    },
  };
}

const traced = new WeakSet<object>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Wraps the resolvers of the schema's root fields (Query, Mutation) so that each runs in a span of its own, which
 * the SQL spans of its work then sit under. Changes `schema` in place; nothing without tracing.
 */
export function traceRootFields(schema: GraphQLSchema, tracing: Tracing): void {
  if (!tracing.enabled) return;
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(type.getFields())) {
      if (traced.has(field)) continue;
      traced.add(field);
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const name = `resolve ${type.name}.${field.name}`;
      field.resolve = (source, args, contextValue, info) =>
        tracing.tracer.startActiveSpan(
          name,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              'graphql.field.name': field.name,
              'graphql.field.path': String(info.path.key),
              'graphql.operation.type': info.operation.operation,
              ...(info.operation.name ? { 'graphql.operation.name': info.operation.name.value } : {}),
            },
          },
          (span) => {
            const fail = (error: unknown) => {
              failSpan(span, (error as { extensions?: { code?: unknown } }).extensions?.code?.toString() ?? 'Error');
              span.end();
              throw error;
            };
            try {
              const result = resolve(source, args, contextValue, info);
              if (!isThenable(result)) {
                span.end();
                return result;
              }
              return Promise.resolve(result).then((value) => {
                span.end();
                return value;
              }, fail);
            } catch (error) {
              return fail(error);
            }
          },
        );
    }
  }
}
