import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { communityOfRoutingValue } from '@lilong/schema';

/**
 * Values the hub's supergraph cannot return, as errors the client sees. A node a release ahead may answer a value
 * the hub's schema does not know (a new enum value: compatibility.ts accepts it as a dangerous change). The
 * gateway then nulls that value (and, up to the nearest nullable field, what holds it) and puts its error in
 * `extensions.valueCompletion`, not in `errors`, and only when no fetch had an error: a client would see a null
 * with no reason. Here each one becomes an `UNKNOWN_VALUE` error at its path, naming the community whose record
 * holds it when the answer shows it (the nearest `code` or global `id` on the path).
 */
export function valueCompletionErrors(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const completion = result.extensions?.valueCompletion;
          if (!Array.isArray(completion)) return;
          const { valueCompletion: _, ...extensions } = result.extensions!;
          result.extensions = Object.keys(extensions).length > 0 ? extensions : undefined;
          const errors = (completion as GraphQLFormattedError[]).map((e) => unknownValue(e, result.data));
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}

function unknownValue(error: GraphQLFormattedError, data: unknown): GraphQLFormattedError {
  const path = error.path ? [...error.path] : undefined;
  const community = path ? communityAlong(data, path) : undefined;
  const where = community ? ` from community ${community}` : '';
  return {
    message: `${error.message.replace(/\.$/, '')}${where}: the community's node is on a newer release and answered a value this hub does not know yet; it is missing from this answer until the hub is upgraded.`,
    ...(path ? { path } : {}),
    extensions: {
      code: 'UNKNOWN_VALUE',
      messageZh: `${community ? `社区 ${community} 的` : ''}节点版本较新，返回了枢纽当前版本无法识别的值，本次结果中该项为空；枢纽升级后即可正常显示。`,
      ...(community ? { community } : {}),
    },
  };
}

/** The community of the deepest object on the path that carries a community `code` or a global `id`. */
function communityAlong(data: unknown, path: readonly (string | number)[]): string | undefined {
  let found: string | undefined;
  let at: unknown = data;
  for (const step of path) {
    if (!at || typeof at !== 'object') break;
    const record = at as Record<string, unknown>;
    found = communityOfRoutingValue(record.id) ?? communityOfRoutingValue(record.code) ?? found;
    at = record[step as never];
  }
  return found;
}
