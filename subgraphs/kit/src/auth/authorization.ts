import { lilongError } from '@lilong/schema';
import type { AuthCheckerFn } from 'type-graphql';
import type { SubgraphContext } from '../context';
import { ANONYMOUS, Claims, RoleName } from './claims';

/**
 * type-graphql's coarse check: `@Authorized()` needs a signed-in caller, `@Authorized('committee', 'merchant')`
 * needs one of those roles. Which shop, household or community a role applies to is checked by the services.
 */
export const authChecker: AuthCheckerFn<SubgraphContext> = ({ context }, roles) => {
  requireSignedIn(context.claims);
  if (roles.length === 0) return true;
  if (context.claims.roles.some((r) => roles.includes(r.role))) return true;
  throw forbidden(`needs one of the roles: ${roles.join(', ')}`, `需要以下角色之一：${roles.join('、')}`);
};

export function requireSignedIn(claims: Claims): void {
  if (claims === ANONYMOUS || claims.sub === ANONYMOUS.sub) {
    throw lilongError('UNAUTHENTICATED', {
      en: 'Sign in first: send a bearer token in the Authorization header.',
      zh: '请先登录：在 Authorization 请求头中携带 Bearer 令牌。',
    });
  }
}

export function forbidden(en: string, zh: string) {
  return lilongError('FORBIDDEN', { en: `Not allowed: ${en}.`, zh: `无权操作：${zh}。` });
}

export function hasRole(claims: Claims, name: RoleName): boolean {
  return claims.roles.some((r) => r.role === name);
}
