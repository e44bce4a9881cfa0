/**
 * Bearer tokens at the hub: `Authorization: Bearer <JWT>` from an identity provider the hub trusts.
 *
 * A token proves only who the caller is (issuer + subject); it grants no community role. The hub adds the hub
 * grants its own configuration gives that identity (see issuers.ts), and community nodes add the roles their
 * records give it.
 */
import { ANONYMOUS_CALLER, type Caller, type HubGrant, type Logger } from '@lilong/kit/src/hub';
import { lilongError } from '@lilong/schema';
import type { GraphQLError } from 'graphql';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import {
  DEFAULT_JWKS_COOLDOWN_SECONDS,
  DEFAULT_MAX_TOKEN_AGE_SECONDS,
  HUB_AUDIENCE,
  SUPPORTED_ALGORITHMS,
  TOKEN_CLOCK_ALLOWANCE_SECONDS,
  parseTrustConfig,
  type HubGrantRule,
  type TokenAlgorithm,
  type TrustConfig,
} from './issuers';

export * from './issuers';

/** How long the hub waits for an identity provider's key set before refusing with `jwks-unavailable`. */
export const JWKS_TIMEOUT_MS = 3000;

/**
 * Why a bearer token was refused, in `extensions.reason` of the UNAUTHENTICATED error (always HTTP 401).
 * `jwks-unavailable` is the hub's or the provider's trouble, not the token's: the client may retry shortly.
 */
export const BEARER_REFUSAL_REASONS = [
  'malformed',
  'algorithm-not-allowed',
  'unknown-issuer',
  'unknown-key',
  'bad-signature',
  'expired',
  'not-yet-valid',
  'too-old',
  'wrong-audience',
  'no-subject',
  'jwks-unavailable',
] as const;

export type BearerRefusalReason = (typeof BEARER_REFUSAL_REASONS)[number];

interface Why {
  en: string;
  zh: string;
}

const WHY: Record<BearerRefusalReason, Why> = {
  malformed: { en: 'it is not a well-formed signed JWT', zh: '不是格式正确的已签名 JWT' },
  'algorithm-not-allowed': { en: 'its signing algorithm (alg) is not one the hub accepts from its issuer', zh: '签名算法（alg）不被接受' },
  'unknown-issuer': { en: 'its issuer (iss) is not one the hub trusts', zh: '签发方（iss）不受本枢纽信任' },
  'unknown-key': { en: "its signing key (kid) is not in its issuer's published key set", zh: '签名密钥（kid）不在签发方公布的密钥集中' },
  'bad-signature': { en: 'its signature does not match its contents', zh: '签名与内容不符' },
  expired: { en: 'it has expired', zh: '已过期' },
  'not-yet-valid': { en: 'it is not valid yet (nbf or iat lies in the future)', zh: '尚未生效（nbf 或 iat 晚于当前时间）' },
  'too-old': { en: 'it was issued too long ago', zh: '签发时间过早' },
  'wrong-audience': { en: 'it is not meant for this hub', zh: '受众（aud）不是本枢纽' },
  'no-subject': { en: 'it names no subject (sub)', zh: '未指明主体（sub）' },
  'jwks-unavailable': { en: "its issuer's key set cannot be fetched right now; try again shortly", zh: '暂时无法获取签发方的密钥集，请稍后重试' },
};

const NOT_BEARER: Why = {
  en: 'expected "Authorization: Bearer <token>"',
  zh: '格式应为 "Authorization: Bearer <令牌>"',
};

/** The UNAUTHENTICATED error for a refused token: English message, Chinese `messageZh`, `reason`, HTTP 401. */
function refusal(reason: BearerRefusalReason, why: Why = WHY[reason]): GraphQLError {
  return lilongError(
    'UNAUTHENTICATED',
    { en: `The bearer token was refused: ${why.en}.`, zh: `令牌无效：${why.zh}。` },
    { reason, http: { status: 401 } },
  );
}

function duration(seconds: number): Why {
  if (seconds % 86400 === 0) return { en: `${seconds / 86400} days`, zh: `${seconds / 86400} 天` };
  if (seconds % 3600 === 0) return { en: `${seconds / 3600} hours`, zh: `${seconds / 3600} 小时` };
  return { en: `${seconds} seconds`, zh: `${seconds} 秒` };
}

/** The issuer's key set could not be fetched or used: thrown by the key lookup of a `jwksUri` issuer. */
class KeySetUnavailable extends Error {
  constructor(readonly failure: unknown) {
    super(`key set unavailable: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
}

/**
 * Whether an error from a remote key set means the set could not be fetched or used: timeout, connection
 * failure, non-200 answer, not JSON, not a key set, keys that cannot be imported. Not: no key matches the token.
 */
function isKeySetFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return false;
  if (error instanceof errors.JOSEError) {
    return (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      error instanceof errors.JWKInvalid ||
      error instanceof errors.JOSENotSupported ||
      // jose's plain JOSEError: "Expected 200 OK …", "Failed to parse … as JSON".
      error.code === errors.JOSEError.code
    );
  }
  // node:http and node:crypto failures carry a code: ECONNREFUSED, ENOTFOUND, ECONNRESET, HPE_*, ERR_CRYPTO_*.
  // Not `instanceof Error`: Node's own errors may come from another realm (e.g. under jest).
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** An issuer ready to verify with: its key lookup and its settings with the defaults applied. */
interface TrustedIssuer {
  issuer: string;
  jwksUri?: string;
  keys: JWTVerifyGetKey;
  algorithms: TokenAlgorithm[];
  audience: string;
  clockTolerance: number;
  maxTokenAge: number;
  grants: HubGrantRule[];
}

/** What the verifier may report to operators. */
export interface BearerVerifierOptions {
  /** Told when an identity provider's key set cannot be fetched (the client only sees `jwks-unavailable`). */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Verifies bearer tokens against the trusted identity providers and gives the caller: their identity (issuer +
 * subject) and the hub grants that match it. Key sets from `jwksUri` are cached by jose (10 minutes, refetched
 * on an unknown `kid` at most once per cooldown, fetches time out after JWKS_TIMEOUT_MS); verdicts are never
 * cached. Build one per configuration and keep it: a new verifier starts with empty key caches.
 */
export class BearerVerifier {
  private readonly issuers = new Map<string, TrustedIssuer>();
  private readonly logger: Pick<Logger, 'warn'> | undefined;

  /** Checks the configuration as parseTrustConfig does (throws TrustConfigError); nothing is fetched yet. */
  constructor(config: TrustConfig, options: BearerVerifierOptions = {}) {
    const checked = parseTrustConfig(config);
    this.logger = options.logger;
    for (const issuer of checked.issuers) {
      let keys: JWTVerifyGetKey;
      if (issuer.jwksUri !== undefined) {
        const remote = createRemoteJWKSet(new URL(issuer.jwksUri), {
          timeoutDuration: JWKS_TIMEOUT_MS,
          cooldownDuration: (issuer.jwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS) * 1000,
        });
        keys = async (header, token) => {
          try {
            return await remote(header, token);
          } catch (error) {
            throw isKeySetFailure(error) ? new KeySetUnavailable(error) : error;
          }
        };
      } else {
        keys = createLocalJWKSet(issuer.jwks!);
      }
      this.issuers.set(issuer.issuer, {
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        keys,
        algorithms: issuer.algorithms ?? [...SUPPORTED_ALGORITHMS],
        audience: issuer.audience ?? HUB_AUDIENCE,
        clockTolerance: issuer.clockToleranceSeconds ?? TOKEN_CLOCK_ALLOWANCE_SECONDS,
        maxTokenAge: issuer.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS,
        grants: checked.grants.filter((rule) => rule.issuer === issuer.issuer),
      });
    }
  }

  /**
   * The caller of a request from its `Authorization` header: ANONYMOUS_CALLER without the header; the identity
   * and matching hub grants for a valid token; an UNAUTHENTICATED GraphQLError (HTTP 401, `extensions.reason` one
   * of BEARER_REFUSAL_REASONS) for a header that is present but not acceptable — never downgraded to anonymous.
   * Rejects only on a fault (an error that is no verdict about the token).
   */
  async verify(authorizationHeader: string | undefined): Promise<Caller | GraphQLError> {
    if (authorizationHeader === undefined) return ANONYMOUS_CALLER;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorizationHeader);
    if (!match) return refusal('malformed', NOT_BEARER);
    const token = match[1]!;

    // Read before verifying only to pick the issuer and refuse what no issuer accepts; jose checks it all again.
    let alg: unknown;
    let iss: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return refusal('malformed');
      throw error;
    }
    if (typeof alg !== 'string') return refusal('malformed');
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) return refusal('algorithm-not-allowed');
    const trusted = typeof iss === 'string' ? this.issuers.get(iss) : undefined;
    if (!trusted) return refusal('unknown-issuer');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, trusted.keys, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: trusted.algorithms,
        clockTolerance: trusted.clockTolerance,
        maxTokenAge: trusted.maxTokenAge,
        // Every token must expire and say when it was issued (`maxTokenAge` needs `iat` anyway).
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      if (error instanceof KeySetUnavailable) {
        this.logger?.warn('identity provider key set unavailable', { issuer: trusted.issuer, jwksUri: trusted.jwksUri, error: error.message });
      }
      const verdict = refusalFor(error, trusted);
      if (!verdict) throw error;
      return verdict;
    }

    const subject = payload.sub as unknown;
    if (typeof subject !== 'string' || subject === '') return refusal('no-subject');
    return { identity: { issuer: trusted.issuer, subject }, grants: grantsFor(trusted.grants, subject, payload) };
  }
}

/** The refusal for an error of jwtVerify, or `undefined` when the error is no verdict about the token (a fault). */
function refusalFor(error: unknown, issuer: TrustedIssuer): GraphQLError | undefined {
  if (error instanceof KeySetUnavailable) return refusal('jwks-unavailable');
  if (error instanceof errors.JWKSNoMatchingKey) return refusal('unknown-key');
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return refusal('unknown-key', { en: 'it names no key ID (kid) and several keys of its issuer could have signed it', zh: '未指明密钥（kid），签发方有多个可能的密钥' });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refusal('algorithm-not-allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return refusal('bad-signature');
  if (error instanceof errors.JWTExpired) {
    if (error.claim !== 'iat') return refusal('expired');
    const age = duration(issuer.maxTokenAge);
    return refusal('too-old', { en: `it was issued more than ${age.en} ago`, zh: `签发已超过 ${age.zh}` });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const missingOrInvalid = { en: `its "${error.claim}" claim is missing or not a number`, zh: `“${error.claim}”声明缺失或不是数字` };
    if (error.reason === 'invalid') return refusal('malformed', missingOrInvalid);
    switch (error.claim) {
      case 'aud':
        return refusal('wrong-audience', { en: `it is not meant for this hub (its aud must include "${issuer.audience}")`, zh: `受众（aud）应包含“${issuer.audience}”` });
      case 'sub':
        return refusal('no-subject');
      case 'iss':
        return refusal('unknown-issuer');
      case 'nbf':
        return refusal('not-yet-valid');
      case 'iat':
      case 'exp':
        return error.reason === 'missing' ? refusal('malformed', missingOrInvalid) : refusal('not-yet-valid');
      default:
        return undefined;
    }
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return refusal('malformed');
  return undefined;
}

/** The grants of the rules that match: by subject, or by the app the token was issued to (`azp` or `client_id`). */
function grantsFor(rules: readonly HubGrantRule[], subject: string, payload: JWTPayload): HubGrant[] {
  const clients = [payload.azp, payload.client_id].filter((client): client is string => typeof client === 'string' && client !== '');
  const grants: HubGrant[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const matches = rule.subject !== undefined ? rule.subject === subject : clients.includes(rule.clientId!);
    const key = JSON.stringify(rule.grant);
    if (!matches || seen.has(key)) continue;
    seen.add(key);
    grants.push({ ...rule.grant });
  }
  return grants;
}
