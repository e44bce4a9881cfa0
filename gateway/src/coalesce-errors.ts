import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { reasonZh, subgraphZh } from './messages';

/**
 * One error per missing community: a query touching three subgraphs of a community that is down gets three
 * COMMUNITY_UNAVAILABLE errors from the fetches; the client gets one, naming the community and every subgraph
 * whose data is missing.
 */
export function coalesceCommunityErrors(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const result = response.body.singleResult;
          result.errors = coalesce(result.errors!);
        },
      };
    },
  };
}

export function coalesce(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const out: GraphQLFormattedError[] = [];
  const byCommunity = new Map<string, { index: number; subgraphs: string[]; reasons: string[]; paths: number }>();
  for (const error of errors) {
    const ext = error.extensions ?? {};
    if (ext.code !== 'COMMUNITY_UNAVAILABLE' || typeof ext.community !== 'string') {
      out.push(error);
      continue;
    }
    const seen = byCommunity.get(ext.community);
    const subgraph = String(ext.subgraph ?? ext.serviceName ?? '');
    if (!seen) {
      byCommunity.set(ext.community, { index: out.length, subgraphs: [subgraph], reasons: [String(ext.reason)], paths: error.path ? 1 : 0 });
      out.push(error);
      continue;
    }
    if (!seen.subgraphs.includes(subgraph)) seen.subgraphs.push(subgraph);
    if (!seen.reasons.includes(String(ext.reason))) seen.reasons.push(String(ext.reason));
    seen.paths += 1;
  }
  for (const [community, seen] of byCommunity) {
    const first = out[seen.index]!;
    if (seen.subgraphs.length === 1 && seen.paths <= 1) continue;
    const subgraphs = seen.subgraphs.filter(Boolean).join(', ');
    const reason = seen.reasons.join(', ');
    out[seen.index] = {
      message: `Community ${community} is unavailable (${reason}): its ${subgraphs} data is missing from this answer.`,
      extensions: {
        ...first.extensions,
        subgraph: seen.subgraphs[0],
        subgraphs: seen.subgraphs,
        messageZh: `社区 ${community} 暂时无法访问（${seen.reasons.map(reasonZh).join('、')}），本次结果缺少其${seen.subgraphs.filter(Boolean).map(subgraphZh).join('、')}数据。`,
      },
    };
  }
  return out;
}
