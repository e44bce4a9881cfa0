import type { KeyObject } from 'node:crypto';
import { ANONYMOUS, JwtError, parseRoles, verifyJwt, type Claims } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import type { GraphQLError } from 'graphql';

/** The audience callers' tokens must name. */
export const HUB_AUDIENCE = 'lilong-hub';

/**
 * The caller's claims from `Authorization: Bearer <jwt>`; anonymous without the header. A token that is present
 * but malformed, expired or from an untrusted issuer is refused outright, never downgraded to anonymous.
 */
export function claimsFromAuthorization(header: string | undefined, issuers: ReadonlyMap<string, KeyObject>): Claims | GraphQLError {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const refuse = (why: string, zh: string) =>
    lilongError('UNAUTHENTICATED', { en: `The bearer token was refused: ${why}.`, zh: `令牌无效：${zh}。` }, { http: { status: 401 } });
  if (!match) return refuse('expected "Authorization: Bearer <token>"', '格式应为 "Authorization: Bearer <令牌>"');
  try {
    const jwt = verifyJwt(match[1]!, { issuers, audience: HUB_AUDIENCE });
    const roles = parseRoles(jwt.roles ?? []);
    if (!roles) return refuse('its roles are malformed', '角色格式错误');
    return { sub: jwt.sub, roles };
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    const zh: Record<string, string> = {
      malformed: '格式错误', 'bad-signature': '签名无效', expired: '已过期', 'not-yet-valid': '尚未生效',
      'wrong-audience': '受众不符', 'wrong-issuer': '签发方不受信任',
    };
    return refuse(error.reason, zh[error.reason] ?? error.reason);
  }
}
