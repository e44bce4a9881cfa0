import { isErrorCode } from '@lilong/schema';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { budgetExceeded, currentBudget } from './budget';
import { classifyDatabaseError, databaseUnavailable, describeError } from './database-errors';
import { tokenLimitError } from './document-limits';

export interface ErrorLog {
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Coded errors reach the client as they are. Of the rest, a database that cannot be reached becomes
 * DATABASE_UNAVAILABLE (the hub reports the community unavailable), a statement PostgreSQL cancelled becomes
 * REQUEST_BUDGET_EXCEEDED, and anything else (a bug) an INTERNAL_SERVER_ERROR with a generic message, logged here
 * and only here, without SQL or values. Over the request's budget, whatever failed, the answer is the budget's
 * error. GraphQL's own validation errors keep their Apollo codes; a document over the token limit gets the
 * limit's code.
 */
export function formatSubgraphError(log: ErrorLog) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const at = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
    if (code === 'GRAPHQL_PARSE_FAILED') {
      const tooLong = tokenLimitError(formatted.message);
      if (tooLong) return { ...tooLong.toJSON(), ...at };
    }
    if (code === 'GRAPHQL_VALIDATION_FAILED') {
      // Apollo recodes every validation error; one of our own rules (the document limits) keeps its code.
      const ours = (error as GraphQLError | undefined)?.originalError as GraphQLError | undefined;
      const ownCode = ours?.extensions?.code;
      if (isErrorCode(ownCode)) return { ...formatted, extensions: { ...formatted.extensions, code: ownCode } };
    }
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    const budget = currentBudget();
    if (budget?.stopped) return { ...budget.stopped.toJSON(), ...at };
    const trouble = classifyDatabaseError(error);
    if (trouble?.kind === 'unavailable') {
      log.warn('database unavailable', { reason: trouble.reason, cause: trouble.cause });
      return { ...databaseUnavailable(trouble.reason, trouble.cause).toJSON(), ...at };
    }
    if (trouble?.kind === 'statement-timeout') {
      return { ...budgetExceeded('STATEMENT_TIMEOUT', undefined, budget?.isMutation ?? false).toJSON(), ...at };
    }
    const described = describeError(error);
    log.error('unexpected error', described.error, { ...described.fields, path: formatted.path ?? [] });
    return {
      message: 'Internal error in the community node; it has been logged.',
      ...at,
      extensions: { code: 'INTERNAL_SERVER_ERROR', messageZh: '社区节点内部错误，已记录。' },
    };
  };
}
