/**
 * The hub's assertion: a short-lived JWT it signs for one HTTP request to one community node, carrying the verified
 * caller's claims. A node accepts no request without one, so nobody reaches a community's data except through the
 * hub. What a node checks, in order, and the `reason` it answers when it refuses:
 *
 * - signed with EdDSA by one of the hub keys the node trusts, found by the JOSE header's `kid` (`unknown-key`,
 *   `bad-signature`, `malformed`, `wrong-issuer`), for this community (`wrong-audience`). A node may trust several
 *   hub keys at once, so the hub's key can be rotated without downtime: give the nodes the new key beside the old,
 *   switch the hub, then drop the old key;
 * - fresh: now within [iat, exp], give or take ASSERTION_CLOCK_SKEW_SECONDS (`not-yet-valid`, `expired`);
 * - short: exp - iat at most MAX_ASSERTION_LIFETIME_SECONDS, whatever the hub key signed (`lifetime-too-long`), so a
 *   leaked or mistakenly long-lived assertion is worthless;
 * - for this subgraph path (`path` claim, `wrong-path`), so an assertion for a read of one subgraph cannot be
 *   replayed against another;
 * - naming a well-formed caller: the identity (issuer `idp` + subject `sub`) or none, the hub grants, and the roles
 *   other communities' nodes gave the identity (`malformed`);
 * - used once: its random nonce (`jti`) is remembered until it expires (`replayed`). The memory is capped; when it is
 *   full of live nonces the node refuses (`replay-cache-full`) rather than forget one and accept a replay.
 *
 * Nonces are random, so any number of hub replicas may sign with the same key. Each node process remembers its own
 * nonces: behind a load balancer, one replay could reach each replica of a community once within the lifetime.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { BilingualMessage } from '@lilong/schema';
import { parseCommunityRoles, parseHubGrants, parseIdentity, type Caller } from './claims';
import type { SigningKey } from './keys';
import { ReplayCache } from './replay-cache';

export const HUB_ASSERTION_HEADER = 'x-lilong-assertion';
export const HUB_ISSUER = 'lilong-hub';
/** Where a node answers what a caller is in its community (its records), for the hub to tell other nodes. */
export const ACCESS_PATH = '/access';
/** Where the hub's relay asks a node for its steps toward other communities, and hands it theirs. */
export const RELAY_PATH = '/relay';

/** The answer's extension that tells the hub a request left steps for its relay to carry (see RELAY_PATH). */
export const RELAY_EXTENSION = 'lilongRelay';

/**
 * Seconds the hub signs an assertion for. It is checked once, when the request arrives, so it only has to cover the
 * trip from hub to node; the request itself may then run for as long as its budget allows.
 */
export const ASSERTION_LIFETIME_SECONDS = 30;
/** Longest lifetime (exp - iat, seconds) a node accepts. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 60;
/** Clock difference tolerated between hub and node, seconds: NTP keeps servers far closer; more would extend every assertion. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 5;
/** Nonces a node remembers at most: about 10 MB, and 2,800 requests a second for 35 s before it fills. */
export const REPLAY_CACHE_CAPACITY = 100_000;

export function assertionAudience(community: string): string {
  return `lilong-node:${community}`;
}

export interface AssertionTarget {
  /** The path on the node the assertion is for, e.g. `/shops/graphql`; without it every node refuses it. */
  path?: string;
  /** @default Date.now() */
  now?: number;
  /** @default ASSERTION_LIFETIME_SECONDS */
  lifetimeSeconds?: number;
}

/** Signs one assertion for one request: a new nonce every time, so sign again for every HTTP request. */
export async function signAssertion(caller: Caller, community: string, hubKey: SigningKey, target: AssertionTarget = {}): Promise<string> {
  const iat = Math.floor((target.now ?? Date.now()) / 1000);
  const payload: JWTPayload = {
    grants: caller.grants,
    ...(caller.roles && caller.roles.length > 0 ? { roles: caller.roles } : {}),
    ...(caller.homes ? { homes: caller.homes } : {}),
    ...(target.path === undefined ? {} : { path: target.path }),
  };
  if (caller.identity) {
    payload.sub = caller.identity.subject;
    payload.idp = caller.identity.issuer;
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: hubKey.alg, kid: hubKey.kid, typ: 'JWT' })
    .setIssuer(HUB_ISSUER)
    .setAudience(assertionAudience(community))
    .setIssuedAt(iat)
    .setExpirationTime(iat + (target.lifetimeSeconds ?? ASSERTION_LIFETIME_SECONDS))
    .setJti(randomBytes(16).toString('base64url'))
    .sign(hubKey.privateKey);
}

export type AssertionRefusal =
  | 'missing'
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime-too-long'
  | 'wrong-path'
  | 'replayed'
  | 'replay-cache-full';

const REFUSALS: Record<AssertionRefusal, BilingualMessage> = {
  missing: { en: 'no hub assertion was sent', zh: '请求未附带枢纽凭证' },
  malformed: { en: 'the assertion is malformed', zh: '凭证格式不正确' },
  'unknown-key': { en: 'the assertion is signed with a key (kid) this node does not trust', zh: '凭证的签名密钥不在本节点信任的枢纽密钥之列' },
  'bad-signature': { en: "the assertion is not signed with this node's hub key", zh: '凭证不是由本节点信任的枢纽签发' },
  'wrong-issuer': { en: 'the assertion is not issued by the hub', zh: '凭证并非由枢纽签发' },
  'wrong-audience': { en: 'the assertion is for another community', zh: '凭证是签发给其他社区的' },
  expired: { en: 'the assertion has expired', zh: '凭证已过期' },
  'not-yet-valid': { en: 'the assertion is not valid yet (are the hub and node clocks apart?)', zh: '凭证尚未生效（请检查枢纽与节点的时钟是否一致）' },
  'lifetime-too-long': {
    en: `the assertion is valid for longer than ${MAX_ASSERTION_LIFETIME_SECONDS} s`,
    zh: `凭证有效期超过 ${MAX_ASSERTION_LIFETIME_SECONDS} 秒`,
  },
  'wrong-path': { en: 'the assertion was signed for another path of this node', zh: '凭证是为本节点的其他路径签发的' },
  replayed: { en: 'the assertion was already used once', zh: '凭证已被使用过' },
  'replay-cache-full': {
    en: 'the node is receiving more requests than it can check for replays; try again shortly',
    zh: '节点收到的请求过多，暂时无法核验凭证是否被重复使用，请稍后重试',
  },
};

/** What a node answers when it refuses an assertion (with `extensions.reason`). */
export function assertionRefusalMessage(reason: AssertionRefusal): BilingualMessage {
  const why = REFUSALS[reason];
  return {
    en: `This community node only answers the sub-district hub: ${why.en}. Send your request to the hub.`,
    zh: `本社区节点只接受街道枢纽的请求：${why.zh}。请通过枢纽访问。`,
  };
}

export interface AssertionVerifierOptions {
  /** @default MAX_ASSERTION_LIFETIME_SECONDS */
  maxLifetimeSeconds?: number;
  /** @default ASSERTION_CLOCK_SKEW_SECONDS */
  clockSkewSeconds?: number;
  /** @default REPLAY_CACHE_CAPACITY */
  replayCacheCapacity?: number;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

/** The refusal for an error of jose's `jwtVerify`; `undefined` for anything else (a fault, rethrown). */
function refusalOf(error: unknown): AssertionRefusal | undefined {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'wrong-audience';
    if (error.claim === 'iss') return 'wrong-issuer';
    if ((error.claim === 'iat' || error.claim === 'nbf') && error.reason === 'check_failed') return 'not-yet-valid';
    return 'malformed';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown-key';
  if (error instanceof joseErrors.JOSEError) return 'malformed';
  return undefined;
}

/** A node's check of hub assertions; it keeps the nonces it has seen, so make one per node and keep it. */
export class AssertionVerifier {
  private readonly audience: string;
  private readonly maxLifetime: number;
  private readonly skew: number;
  private readonly nonces: ReplayCache;

  /** `hubKeys`: the hub public keys this node trusts, by key ID (`keysById`). */
  constructor(community: string, private readonly hubKeys: ReadonlyMap<string, KeyObject>, options: AssertionVerifierOptions = {}) {
    this.audience = assertionAudience(community);
    this.maxLifetime = options.maxLifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS;
    this.skew = options.clockSkewSeconds ?? ASSERTION_CLOCK_SKEW_SECONDS;
    this.nonces = new ReplayCache(options.replayCacheCapacity ?? REPLAY_CACHE_CAPACITY);
  }

  /** The caller from the assertion sent to `path`, or the reason it is refused. */
  async verify(token: string | undefined, path: string, now = Date.now()): Promise<{ caller: Caller } | { refused: AssertionRefusal }> {
    if (!token) return { refused: 'missing' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.hubKeys.get(header.kid);
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          issuer: HUB_ISSUER,
          audience: this.audience,
          algorithms: ['EdDSA'],
          clockTolerance: this.skew,
          currentDate: new Date(now),
          maxTokenAge: this.maxLifetime + this.skew,
          requiredClaims: ['iat', 'exp', 'jti'],
        },
      ));
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return { refused: refusal };
      throw error;
    }
    const iat = payload.iat!;
    const exp = payload.exp!;
    if (exp - iat > this.maxLifetime) return { refused: 'lifetime-too-long' };
    const grants = parseHubGrants(payload.grants);
    const roles = parseCommunityRoles(payload.roles);
    const homes = payload.homes === undefined ? undefined : Array.isArray(payload.homes) && payload.homes.length <= 1000 && payload.homes.every((c) => typeof c === 'string') ? (payload.homes as string[]) : null;
    const signedIn = payload.sub !== undefined || payload.idp !== undefined;
    const identity = signedIn ? parseIdentity(payload.idp, payload.sub) : null;
    if (!grants || !roles || homes === null || identity === undefined || typeof payload.jti !== 'string' || !NONCE.test(payload.jti)) return { refused: 'malformed' };
    if (payload.path !== path) return { refused: 'wrong-path' };
    // Last, so that an assertion refused for any other reason leaves no trace in the cache.
    const seen = this.nonces.remember(payload.jti, (exp + this.skew) * 1000 + 999, now);
    if (seen === 'replayed') return { refused: 'replayed' };
    if (seen === 'full') return { refused: 'replay-cache-full' };
    return { caller: identity ? { identity, grants, roles, ...(homes ? { homes } : {}) } : { identity: null, grants: [] } };
  }
}
