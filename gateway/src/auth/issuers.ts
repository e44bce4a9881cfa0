/**
 * Which identity providers the hub trusts, and which hub grants it gives to whom.
 *
 * The hub reads this from one JSON document (the `LILONG_ISSUERS` environment variable):
 *
 * ```json
 * {
 *   "issuers": [
 *     { "issuer": "https://id.example.org", "jwksUri": "https://id.example.org/.well-known/jwks.json" },
 *     { "issuer": "https://partners.example.org", "jwks": { "keys": [{ "kty": "OKP", "crv": "Ed25519", "x": "…", "kid": "…" }] },
 *       "algorithms": ["EdDSA"] }
 *   ],
 *   "grants": [
 *     { "issuer": "https://id.example.org", "subject": "staff-0042", "grant": { "role": "subdistrict" } },
 *     { "issuer": "https://id.example.org", "clientId": "market-app", "grant": { "role": "partner", "app": "market" } }
 *   ]
 * }
 * ```
 *
 * A token proves only who the caller is (issuer + subject). Community roles come from each community's own
 * records; the grants here are the hub's own additions.
 */
// The claims module alone, not the kit's index: `npm run token` reads this file's constants and must stay light.
import { parseHubGrants, type HubGrant } from '@lilong/kit/src/auth/claims';
import type { JWK } from 'jose';

/** The audience (`aud`) a token must name to be accepted by the hub, unless an issuer is configured otherwise. */
export const HUB_AUDIENCE = 'lilong-hub';

/**
 * Seconds of clock difference tolerated on every time claim (`exp`, `nbf`, `iat`), unless an issuer is
 * configured otherwise: a token is still accepted this long after it expires, and one stamped this far in the future.
 */
export const TOKEN_CLOCK_ALLOWANCE_SECONDS = 30;

/** Default oldest accepted token, by its `iat`: 30 days. Bounds a token without a sensible `exp`. */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 30 * 24 * 3600;

/**
 * Default seconds after a key set fetch during which a token with an unknown `kid` does not trigger another fetch
 * (jose's `cooldownDuration`): a flood of made-up key IDs cannot make the hub hammer the identity provider.
 */
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

/** The signing algorithms the hub can ever accept. `none`, HMAC (`HS*`) and anything else never are. */
export const SUPPORTED_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;

export type TokenAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** An identity provider whose bearer tokens the hub accepts. */
export interface IssuerConfig {
  /** The exact `iss` of its tokens. Must not contain `#` (see `actorOf`); unique among issuers. */
  issuer: string;
  /**
   * URL of its JSON Web Key Set (https, or http on a loopback host only). Fetched on first use, cached for
   * 10 minutes, refetched when a token names an unknown `kid` (at most once per `jwksCooldownSeconds`).
   * Exactly one of `jwksUri` and `jwks`.
   */
  jwksUri?: string;
  /** A fixed key set (public keys only), for a provider whose keys are configured by hand. Exactly one of `jwksUri` and `jwks`. */
  jwks?: { keys: JWK[] };
  /** Algorithms accepted from this issuer. @default all of SUPPORTED_ALGORITHMS */
  algorithms?: TokenAlgorithm[];
  /** The `aud` its tokens must name. @default HUB_AUDIENCE */
  audience?: string;
  /** @default TOKEN_CLOCK_ALLOWANCE_SECONDS */
  clockToleranceSeconds?: number;
  /** Tokens whose `iat` is older than this are refused (`too-old`). @default DEFAULT_MAX_TOKEN_AGE_SECONDS (30 days) */
  maxTokenAgeSeconds?: number;
  /** See DEFAULT_JWKS_COOLDOWN_SECONDS; only with `jwksUri`. @default 30 */
  jwksCooldownSeconds?: number;
}

/**
 * A hub grant for the callers it matches: tokens from `issuer` whose `sub` is `subject` (a person, e.g.
 * sub-district staff), or whose `azp` or `client_id` is `clientId` (every token issued to a partner app).
 * Exactly one of `subject` and `clientId`.
 */
export interface HubGrantRule {
  issuer: string;
  subject?: string;
  clientId?: string;
  grant: HubGrant;
}

/** The hub's whole trust configuration: the JSON document of `LILONG_ISSUERS`. */
export interface TrustConfig {
  issuers: IssuerConfig[];
  grants: HubGrantRule[];
}

/** A trust configuration that cannot be used; the message names the field, e.g. `issuers[1].jwksUri`. */
export class TrustConfigError extends Error {
  override name = 'TrustConfigError';
}

const ISSUER_FIELDS = ['issuer', 'jwksUri', 'jwks', 'algorithms', 'audience', 'clockToleranceSeconds', 'maxTokenAgeSeconds', 'jwksCooldownSeconds'];
const GRANT_FIELDS = ['issuer', 'subject', 'clientId', 'grant'];
/** JWK members that only private or symmetric keys have. */
const SECRET_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(field: string, problem: string): never {
  throw new TrustConfigError(`${field} ${problem}`);
}

function onlyKnownFields(value: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) fail(field, `has unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${known.join(', ')}`);
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
  if (value !== value.trim()) fail(field, 'must not start or end with spaces');
  return value;
}

function numberIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(field, `must be a number from ${min} to ${max}`);
  return value;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function jwksUrl(value: unknown, field: string): string {
  const text = nonEmptyString(value, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(field, `is not a URL: "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(field, `must be an https URL: "${text}"`);
  // Keys fetched over plain HTTP could be swapped by anyone on the path, and with them every identity.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) {
    fail(field, `must use https (plain http only on a loopback host): "${text}"`);
  }
  if (url.username || url.password) fail(field, 'must not carry credentials');
  return text;
}

function staticKeySet(value: unknown, field: string): { keys: JWK[] } {
  if (!isObject(value) || !Array.isArray(value.keys) || value.keys.length === 0) fail(field, 'must be a JSON Web Key Set: { "keys": [ ... ] } with at least one key');
  value.keys.forEach((key: unknown, i: number) => {
    const keyField = `${field}.keys[${i}]`;
    if (!isObject(key)) fail(keyField, 'must be a JSON Web Key (an object)');
    if (key.kty !== 'OKP' && key.kty !== 'EC' && key.kty !== 'RSA') fail(`${keyField}.kty`, 'must be "OKP", "EC" or "RSA"');
    const secret = SECRET_JWK_MEMBERS.filter((member) => member in key);
    if (secret.length > 0) fail(keyField, `must be a public key; remove ${secret.map((m) => `"${m}"`).join(', ')}`);
  });
  return { keys: value.keys as JWK[] };
}

function algorithmList(value: unknown, field: string): TokenAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) fail(field, `must be a non-empty list of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  value.forEach((alg: unknown, i: number) => {
    if (!(SUPPORTED_ALGORITHMS as readonly unknown[]).includes(alg)) {
      fail(`${field}[${i}]`, `must be one of ${SUPPORTED_ALGORITHMS.join(', ')} (got ${JSON.stringify(alg)}); none and HMAC algorithms are never accepted`);
    }
  });
  if (new Set(value).size !== value.length) fail(field, 'must not list an algorithm twice');
  return value as TokenAlgorithm[];
}

function issuerConfig(value: unknown, field: string): IssuerConfig {
  if (!isObject(value)) fail(field, 'must be an object');
  onlyKnownFields(value, ISSUER_FIELDS, field);
  const issuer = nonEmptyString(value.issuer, `${field}.issuer`);
  if (issuer.includes('#')) fail(`${field}.issuer`, `must not contain "#" (it separates issuer and subject in actor names): "${issuer}"`);
  const hasUri = value.jwksUri !== undefined;
  const hasSet = value.jwks !== undefined;
  if (hasUri === hasSet) fail(field, 'must have exactly one of "jwksUri" and "jwks"');
  const config: IssuerConfig = { issuer };
  if (hasUri) config.jwksUri = jwksUrl(value.jwksUri, `${field}.jwksUri`);
  if (hasSet) config.jwks = staticKeySet(value.jwks, `${field}.jwks`);
  if (value.algorithms !== undefined) config.algorithms = algorithmList(value.algorithms, `${field}.algorithms`);
  if (value.audience !== undefined) config.audience = nonEmptyString(value.audience, `${field}.audience`);
  if (value.clockToleranceSeconds !== undefined) config.clockToleranceSeconds = numberIn(value.clockToleranceSeconds, `${field}.clockToleranceSeconds`, 0, 300);
  if (value.maxTokenAgeSeconds !== undefined) config.maxTokenAgeSeconds = numberIn(value.maxTokenAgeSeconds, `${field}.maxTokenAgeSeconds`, 1, 366 * 24 * 3600);
  if (value.jwksCooldownSeconds !== undefined) {
    if (!hasUri) fail(`${field}.jwksCooldownSeconds`, 'applies only with "jwksUri"');
    config.jwksCooldownSeconds = numberIn(value.jwksCooldownSeconds, `${field}.jwksCooldownSeconds`, 0, 3600);
  }
  return config;
}

function parseJson(json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new TrustConfigError(`the trust configuration is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The identity providers of a trust configuration: the `issuers` list (already parsed, or as JSON text).
 * Throws a TrustConfigError naming the bad field: a missing or duplicate issuer, `#` in an issuer, both or neither
 * of `jwksUri` / `jwks`, an algorithm other than EdDSA, ES256, RS256, a private key in `jwks`, an unknown field.
 * Defaults are left unset here; the verifier applies them.
 */
export function parseIssuers(json: unknown, field = 'issuers'): IssuerConfig[] {
  const value = parseJson(json);
  if (!Array.isArray(value)) fail(field, 'must be a list of issuers');
  const issuers = value.map((item: unknown, i: number) => issuerConfig(item, `${field}[${i}]`));
  const seen = new Set<string>();
  issuers.forEach(({ issuer }, i) => {
    if (seen.has(issuer)) fail(`${field}[${i}].issuer`, `repeats "${issuer}"; each issuer once`);
    seen.add(issuer);
  });
  return issuers;
}

function grantRule(value: unknown, field: string, issuers: ReadonlySet<string>): HubGrantRule {
  if (!isObject(value)) fail(field, 'must be an object');
  onlyKnownFields(value, GRANT_FIELDS, field);
  const issuer = nonEmptyString(value.issuer, `${field}.issuer`);
  if (!issuers.has(issuer)) fail(`${field}.issuer`, `names "${issuer}", which is not among the issuers`);
  if ((value.subject === undefined) === (value.clientId === undefined)) fail(field, 'must have exactly one of "subject" and "clientId"');
  const grants = parseHubGrants([value.grant]);
  if (!grants || grants[0]!.role === 'relay') fail(`${field}.grant`, 'must be { "role": "subdistrict" } or { "role": "partner", "app": "<app>" }');
  const rule: HubGrantRule = { issuer, grant: grants[0]! };
  if (value.subject !== undefined) rule.subject = nonEmptyString(value.subject, `${field}.subject`);
  if (value.clientId !== undefined) rule.clientId = nonEmptyString(value.clientId, `${field}.clientId`);
  return rule;
}

/**
 * The hub's trust configuration, `{ "issuers": [...], "grants": [...] }` (already parsed, or as JSON text);
 * `grants` may be left out. Throws a TrustConfigError naming the bad field (see parseIssuers); a grant must name a
 * configured issuer and exactly one of `subject` / `clientId`.
 */
export function parseTrustConfig(json: unknown): TrustConfig {
  const value = parseJson(json);
  if (!isObject(value)) fail('the trust configuration', 'must be an object { "issuers": [...], "grants": [...] }');
  onlyKnownFields(value, ['issuers', 'grants'], 'the trust configuration');
  const issuers = parseIssuers(value.issuers, 'issuers');
  const names = new Set(issuers.map((i) => i.issuer));
  const rawGrants = value.grants ?? [];
  if (!Array.isArray(rawGrants)) fail('grants', 'must be a list');
  const grants = rawGrants.map((item: unknown, i: number) => grantRule(item, `grants[${i}]`, names));
  return { issuers, grants };
}
