import { lilongError } from '@lilong/schema';
import type { AuthCheckerFn } from 'type-graphql';
import type { SubgraphContext } from '../context';
import { isSignedIn, type Claims, type RoleName } from './claims';

/** Each role as a person would name it, for refusals. */
export const ROLE_LABELS: Record<RoleName, { en: string; zh: string }> = {
  resident: { en: 'resident of the household', zh: '本户居民' },
  leader: { en: 'group leader', zh: '团长' },
  merchant: { en: 'merchant of the shop', zh: '本店商户' },
  volunteer: { en: 'volunteer', zh: '志愿者' },
  dispatcher: { en: 'dispatcher', zh: '调度员' },
  info_officer: { en: 'information officer', zh: '信息员' },
  committee: { en: "residents' committee staff", zh: '居委会工作人员' },
  helper: { en: 'helper acting for the household', zh: '代办人' },
  subdistrict: { en: 'sub-district staff', zh: '街道工作人员' },
  partner: { en: 'partner app', zh: '合作应用' },
  relay: { en: "the hub's relay between communities", zh: '枢纽的跨社区中继' },
};

/**
 * type-graphql's coarse check: `@Authorized()` needs a signed-in caller, `@Authorized('committee', 'merchant')`
 * needs one of those roles. Which shop, household or community a role applies to is checked by the services.
 */
export const authChecker: AuthCheckerFn<SubgraphContext> = ({ context }, roles) => {
  requireSignedIn(context.claims);
  if (roles.length === 0) return true;
  if (context.claims.roles.some((r) => roles.includes(r.role))) return true;
  const names = roles as RoleName[];
  throw forbidden(`needs one of the roles: ${names.map((r) => ROLE_LABELS[r]?.en ?? r).join(', ')}`, `需要以下身份之一：${names.map((r) => ROLE_LABELS[r]?.zh ?? r).join('、')}`);
};

export function requireSignedIn(claims: Claims): void {
  if (!isSignedIn(claims)) {
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
