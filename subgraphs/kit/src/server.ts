import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { RELAY_EXTENSION } from './auth/assertion';
import { currentBudget } from './budget';
import type { SubgraphContext } from './context';
import { DEFAULT_DOCUMENT_LIMITS, documentLimitsRule, type DocumentLimits } from './document-limits';
import { ErrorLog, formatSubgraphError } from './errors';
import { idempotentAnswers } from './idempotent-answers';
import { operationObserver, traceRootFields } from './observability/graphql';
import { NO_TRACING, type Tracing } from './observability/tracing';

export interface SubgraphServerOptions {
  /** @default DEFAULT_DOCUMENT_LIMITS */
  documentLimits?: DocumentLimits;
  /** A span per root field resolver. @default NO_TRACING */
  tracing?: Tracing;
}

/**
 * Holds each request to its budget (see `budget.ts`): a mutation gets the mutation time limit, every field
 * resolver is counted and checked before it runs, and a request stopped over budget answers with that one error
 * and no data, rather than one error per field that was still to resolve.
 */
const budgetPlugin: ApolloServerPlugin<SubgraphContext<unknown>> = {
  async requestDidStart() {
    const budget = currentBudget();
    if (!budget) return;
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'mutation') budget.markMutation();
        budget.check();
      },
      async executionDidStart() {
        return {
          willResolveField() {
            budget.countField();
          },
        };
      },
      async willSendResponse({ response }) {
        const stopped = budget.stopped;
        if (stopped && response.body.kind === 'single') response.body.singleResult = { data: null, errors: [stopped.toJSON()] };
      },
    };
  },
};


/** Marks the answer when a resolver queued steps toward other communities, so the hub relays them at once. */
const relayPlugin: ApolloServerPlugin<SubgraphContext<unknown>> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (!contextValue.relay?.stepsWaiting || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, [RELAY_EXTENSION]: true };
      },
    };
  },
};

/** Builds (without listening) the Apollo Server of one subgraph. */
export function createSubgraphServer<L>(schema: GraphQLSchema, log: ErrorLog, options: SubgraphServerOptions = {}): ApolloServer<SubgraphContext<L>> {
  const limits = options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  traceRootFields(schema, options.tracing ?? NO_TRACING);
  return new ApolloServer<SubgraphContext<L>>({
    schema,
    formatError: formatSubgraphError(log),
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [documentLimitsRule(limits)],
    // Apollo's own complaints go to the node's (rate-limited) log, not to the console.
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => log.warn(String(message)),
      error: (message) => log.error(String(message)),
    },
    // The process owns shutdown (close HTTP, then servers, then pools); Apollo must not race it on SIGTERM.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginInlineTraceDisabled(), budgetPlugin as ApolloServerPlugin<SubgraphContext<L>>, relayPlugin as ApolloServerPlugin<SubgraphContext<L>>, idempotentAnswers<L>(log), operationObserver<SubgraphContext<L>>()],
  });
}
