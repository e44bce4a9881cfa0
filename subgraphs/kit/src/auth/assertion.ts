/**
 * The hub's assertion: a short-lived JWT it signs for one community node, carrying the verified caller's claims.
 * A node accepts no request without one, so nobody reaches a community's data except through the hub.
 */
import type { KeyObject } from 'node:crypto';
import { ANONYMOUS, Claims, parseRoles } from './claims';
import { JwtError, signJwt, verifyJwt } from './jws';

export const HUB_ASSERTION_HEADER = 'x-lilong-assertion';
export const HUB_ISSUER = 'lilong-hub';
/** Seconds an assertion stays valid: long enough for one fetch, short enough to be useless if leaked. */
export const ASSERTION_LIFETIME_SECONDS = 60;

export function assertionAudience(community: string): string {
  return `lilong-node:${community}`;
}

export function signAssertion(claims: Claims, community: string, hubKey: KeyObject, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signJwt(
    { iss: HUB_ISSUER, aud: assertionAudience(community), sub: claims.sub, roles: claims.roles, iat, exp: iat + ASSERTION_LIFETIME_SECONDS },
    hubKey,
  );
}

/** The caller's claims from a hub assertion, or a reason it is refused. */
export function verifyAssertion(
  token: string | undefined,
  community: string,
  hubPublicKey: KeyObject,
): { claims: Claims } | { refused: string } {
  if (!token) return { refused: 'missing' };
  try {
    const jwt = verifyJwt(token, { issuers: new Map([[HUB_ISSUER, hubPublicKey]]), audience: assertionAudience(community) });
    const roles = parseRoles(jwt.roles);
    if (!roles) return { refused: 'malformed' };
    return { claims: jwt.sub === ANONYMOUS.sub && roles.length === 0 ? ANONYMOUS : { sub: jwt.sub, roles } };
  } catch (error) {
    if (error instanceof JwtError) return { refused: error.reason };
    throw error;
  }
}
