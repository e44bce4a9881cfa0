import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { SubgraphContext } from './context';
import { ErrorLog, formatSubgraphError } from './errors';

/** Builds (without listening) the Apollo Server of one subgraph. */
export function createSubgraphServer<L>(schema: GraphQLSchema, log: ErrorLog): ApolloServer<SubgraphContext<L>> {
  return new ApolloServer<SubgraphContext<L>>({
    schema,
    formatError: formatSubgraphError(log),
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (close HTTP, then servers, then pools); Apollo must not race it on SIGTERM.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
}
