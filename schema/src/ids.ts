/**
 * Global IDs carry their community: `"<community>:<Type>:<localId>"`, e.g. `"xinhua-3:Shop:42"`.
 * The community code is the hub's routing key; everything after it is opaque to the hub.
 */
import { lilongError } from './errors';

/** A community code: lower-case letter, then 1-31 lower-case letters, digits or hyphens. */
export const COMMUNITY_CODE_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
const TYPE_NAME_PATTERN = /^[A-Z][A-Za-z0-9]*$/;
const LOCAL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface GlobalId {
  community: string;
  type: string;
  localId: string;
}

export function isCommunityCode(value: unknown): value is string {
  return typeof value === 'string' && COMMUNITY_CODE_PATTERN.test(value);
}

export function formatGlobalId(community: string, type: string, localId: string | number): string {
  return `${community}:${type}:${localId}`;
}

/** Parses without throwing; `undefined` for anything that is not a well-formed global ID. */
export function tryParseGlobalId(value: unknown): GlobalId | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split(':');
  if (parts.length !== 3) return undefined;
  const [community, type, localId] = parts as [string, string, string];
  if (!COMMUNITY_CODE_PATTERN.test(community) || !TYPE_NAME_PATTERN.test(type) || !LOCAL_ID_PATTERN.test(localId)) {
    return undefined;
  }
  return { community, type, localId };
}

/**
 * Parses a global ID, optionally of an expected type, or throws a `BAD_USER_INPUT` error that names the argument.
 */
export function parseGlobalId(value: unknown, expectedType?: string, argument = 'id'): GlobalId {
  const parsed = tryParseGlobalId(value);
  if (!parsed) {
    throw lilongError('BAD_USER_INPUT', {
      en: `"${String(value)}" is not a valid ID for ${argument}: expected "<community>:<Type>:<localId>", e.g. "xinhua-3:Shop:42".`,
      zh: `${argument} 的 ID "${String(value)}" 格式不正确，应为 "<社区>:<类型>:<编号>"，例如 "xinhua-3:Shop:42"。`,
    }, { argument });
  }
  if (expectedType && parsed.type !== expectedType) {
    throw lilongError('BAD_USER_INPUT', {
      en: `${argument} must be the ID of a ${expectedType}, but "${String(value)}" is a ${parsed.type}.`,
      zh: `${argument} 应为 ${expectedType} 的 ID，但 "${String(value)}" 是 ${parsed.type}。`,
    }, { argument });
  }
  return parsed;
}

/**
 * The community a routing value points at: a global ID's community, or a bare community code.
 * `undefined` when the value is neither.
 */
export function communityOfRoutingValue(value: unknown): string | undefined {
  if (isCommunityCode(value)) return value;
  return tryParseGlobalId(value)?.community;
}
