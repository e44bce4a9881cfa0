import { formatGlobalId, lilongError, parseGlobalId, tryParseGlobalId } from '@lilong/schema';

/**
 * The local row ID behind a global ID of this node's community. An ID of another community is NOT_FOUND here:
 * the hub routes by the ID, so such a request means the caller asked the wrong node.
 */
export function localIdOf(community: string, globalId: unknown, type: string, argument = 'id'): number {
  const parsed = parseGlobalId(globalId, type, argument);
  const local = Number(parsed.localId);
  if (parsed.community !== community || !Number.isSafeInteger(local) || local <= 0) {
    throw notFound(type, String(globalId));
  }
  return local;
}

/**
 * The local row ID if `globalId` is a well-formed ID of `type` in this community; otherwise `undefined`, never an
 * error (for representations and roles that may name other communities).
 */
export function tryLocalId(community: string, globalId: unknown, type: string): number | undefined {
  const parsed = tryParseGlobalId(globalId);
  if (!parsed || parsed.community !== community || parsed.type !== type) return undefined;
  const local = Number(parsed.localId);
  return Number.isSafeInteger(local) && local > 0 ? local : undefined;
}

export function globalIdOf(community: string, type: string, localId: number): string {
  return formatGlobalId(community, type, localId);
}

/** Each entity type as Chinese messages name it (never the English type name inside Chinese text). */
const TYPE_ZH: Record<string, string> = {
  Community: '社区',
  Compound: '小区',
  Household: '住户',
  Group: '互助群',
  Shop: '商户',
  Product: '商品',
  GroupOrder: '团购',
  SignUp: '报名',
  Pool: '拼单',
  Volunteer: '志愿者',
  Membership: '身份登记',
  Delegation: '代办授权',
  CareRequest: '求助',
  Notice: '居委通知',
  Question: '问题',
  Digest: '信息简报',
  CompoundSurvey: '小区摸排',
};

/** The Chinese name of an entity type, e.g. 商品 for Product; 记录 for a type without one. */
export const typeZh = (type: string): string => TYPE_ZH[type] ?? '记录';

export function notFound(type: string, id: string) {
  return lilongError('NOT_FOUND', { en: `No ${type} has the ID "${id}".`, zh: `找不到编号为 "${id}" 的${typeZh(type)}。` }, { id });
}
