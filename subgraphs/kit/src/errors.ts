import type { GraphQLFormattedError } from 'graphql';

export interface ErrorLog {
  error(message: string, error?: unknown): void;
}

/**
 * Coded errors reach the client as they are; anything else (a bug, a database failure) becomes an
 * INTERNAL_SERVER_ERROR with a generic message, and the original is logged instead of leaked.
 * GraphQL's own validation errors keep their Apollo codes.
 */
export function formatSubgraphError(log: ErrorLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Our registered codes, and Apollo's own (validation, bad variables), pass through; anything else is a bug.
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    log.error(`unexpected error at ${JSON.stringify(formatted.path ?? [])}`, error);
    return {
      message: 'Internal error in the community node; it has been logged.',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', messageZh: '社区节点内部错误，已记录。' },
    };
  };
}
