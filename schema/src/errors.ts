/**
 * The one registry of error codes that reach clients. Every error a client sees carries one of these in
 * `extensions.code`, an English `message`, and the same in Simplified Chinese in `extensions.messageZh`.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is malformed or out of range; the message names it.',
  UNKNOWN_COMMUNITY: 'The community code is not in the hub directory.',
  NOT_FOUND: 'No record has that ID.',
  UNAUTHENTICATED: 'The bearer token is missing where one is needed, malformed, expired or not signed by a trusted issuer.',
  FORBIDDEN: "The caller's roles do not allow this.",
  HUB_ASSERTION_REQUIRED: 'A community node was called without a valid, fresh assertion signed by the hub.',
  COMMUNITY_UNAVAILABLE:
    'A community node is down, slow, suspended, or answered garbage, and its data is missing; or one of its subgraphs serves a schema incompatible with the composed one (`reason` SCHEMA_MISMATCH, `subgraph`, `detail`), and only that data is missing. `extensions.reason` says which.',
  UNKNOWN_VALUE:
    "A community node on a newer release answered a value the hub's schema does not know yet (a new enum value); it is null in the answer, with this error at its path and `extensions.community` when known. Gone once the hub is upgraded (docs/upgrades.md).",
  ROUTING_ARGUMENT_MISSING: 'The field needs an ID or community argument to know which community to ask.',
  CONFLICT: 'The record changed since the caller last saw it, or an idempotency key was reused for another request.',
  INSUFFICIENT_STOCK: 'Fewer units are available than asked for; `extensions.available` says how many.',
  ORDER_CLOSED: 'The group order or pool no longer takes sign-ups or changes (past its deadline, formed, or failed), or a pool is not yet accepted by its merchant.',
  INVALID_TRANSITION: 'The record is not at a step where this can be done (a care request already accepted, finished, ...); `extensions.status` says where it stands.',
  VOLUNTEER_BUSY: 'The volunteer already holds a task in that window, or was just given one by another dispatcher; `extensions.volunteerId` names them.',
  PROTOCOL_INCOMPLETE:
    'A step of the protective protocol is missing: ticked out of order, or a required step not ticked before the task is marked done; `extensions.missing` lists the positions.',
  SIGNING_UNAVAILABLE:
    "The community's node has no notice signing key configured (LILONG_NOTICE_KEY), so it cannot publish signed notices or digests; its operator must give it one.",
  INTERNAL_SERVER_ERROR: 'An unexpected failure; it is logged with the request.',
  BAD_REQUEST: 'The HTTP request is not a GraphQL request the hub can read: wrong method, content type, body or headers.',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax; `locations` points at the spot.',
  GRAPHQL_VALIDATION_FAILED: 'The document asks for something the schema does not have, or has wrong argument values.',
  OPERATION_RESOLUTION_FAILURE: 'The operation to run cannot be chosen: `operationName` names none of the document, or is missing with several.',
  OPERATION_NOT_SUPPORTED: 'The operation type is not served on this transport (e.g. a subscription over plain HTTP).',
  OPERATION_LIMIT_EXCEEDED:
    'The document crosses one of the operation limits of the hub or a community node (`extensions.community`): tokens, depth, aliases, directives, selections, cost, fan-out; `extensions.limit`, `max` and `found` say which.',
  RATE_LIMITED: 'The caller sent more requests than the hub allows per minute; retry after `extensions.retryAfterSeconds` (also the Retry-After header).',
  REQUEST_BUDGET_EXCEEDED:
    'The request ran past its time or size budget at the hub or a community node (`extensions.community`, `reason`); the parts not yet fetched are missing from the answer.',
  EVENTS_PRUNED:
    'On a subscription stream: events after the given `after` are older than the community keeps (7 days); the stream goes on from `extensions.oldest`.',
  SUBSCRIBER_TOO_SLOW:
    'On a subscription stream: the subscriber read slower than events came and over 1,000 results waited; the stream ends. Subscribe again with `after`: the last event ID received.',
  DATABASE_UNAVAILABLE:
    'A community node cannot reach its own database (down, restarting, or no connection free in time); `extensions.reason` says which. Through the hub: COMMUNITY_UNAVAILABLE with reason DATABASE_UNAVAILABLE.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface BilingualMessage {
  en: string;
  zh: string;
}

/** Builds a client-facing error with a registered code, in English with a Chinese translation. */
export function lilongError(
  code: ErrorCode,
  message: BilingualMessage,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message.en, { extensions: { ...extensions, code, messageZh: message.zh } });
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
