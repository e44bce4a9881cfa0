/**
 * The demo identity provider: a small, real OpenID-style token issuer for the demo and the tests. It publishes
 * its public keys over HTTP like any provider (`/.well-known/jwks.json`, `/.well-known/openid-configuration`) and
 * signs tokens for whoever asks: it has no log-in, so it is for demos and tests only, never for real people.
 *
 * Imports are kept light (node:*, jose, the kit's key module alone, not the kit's index): `npm run token` signs
 * one token and must not load GraphQL and the ORM.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SignJWT, type JWK } from 'jose';
import { generateKeyPairPem, privateKeyFromPem, publicJwk, signingKey, type SigningAlgorithm, type SigningKey } from '@lilong/kit/src/auth/keys';

/** The audience tokens name unless told otherwise: the hub's (`HUB_AUDIENCE` of the gateway). */
const DEFAULT_AUDIENCE = 'lilong-hub';

/** Lifetime of a minted token unless told otherwise: one hour. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export interface DemoIdentityProviderOptions {
  /** The `iss` of its tokens. @default the server's base URL, e.g. `http://127.0.0.1:41234` */
  issuer?: string;
  /** Algorithm of new keys (a key file's keys keep theirs). @default "EdDSA" */
  algorithm?: SigningAlgorithm;
  /** @default "127.0.0.1" */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /**
   * A JSON file keeping the private keys (`{ "privateKeys": ["<PEM>", …] }`, the last one signs), created when
   * missing and rewritten on rotate/retire, so `npm start` and `npm run token` sign with the same keys across runs.
   * @default none: fresh keys in memory
   */
  keyFile?: string;
  /**
   * The demo people the console's one-click sign-in offers (`GET /demo/people`), each minted a token on
   * `POST /demo/token` `{"person": id}`. Only for the embedded demo (`npm start`), whose hub relays these to the
   * console; a provider started without it answers 404 there. @default none
   */
  signIn?: DemoSignInPerson[];
}

/** A demo person the console's sign-in offers: who (the subject) and how the button reads. */
export interface DemoSignInPerson {
  id: string;
  subject: string;
  labelZh: string;
  labelEn: string;
}

/** Lifetime of a token from the console's demo sign-in: a working day. */
const SIGN_IN_LIFETIME_SECONDS = 12 * 3600;

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

export interface MintOptions {
  /** @default "lilong-hub" */
  audience?: string | string[];
  /** `exp` = `iat` + this. @default DEFAULT_TOKEN_LIFETIME_SECONDS */
  expiresInSeconds?: number;
  /** `nbf`, in seconds since the epoch. @default none */
  notBefore?: number;
  /** `iat`, in seconds since the epoch. @default now */
  issuedAt?: number;
  /** More claims, or replacements of the standard ones (`undefined` leaves one out), e.g. `{ azp: 'market-app' }`. */
  claims?: Record<string, unknown>;
  /** Sign with this key (one the provider still holds). @default the current key */
  kid?: string;
}

interface HeldKey {
  pem: string;
  signing: SigningKey;
  jwk: JWK & { kid: string };
}

async function holdKey(pem: string): Promise<HeldKey> {
  const privateKey = privateKeyFromPem(pem);
  return { pem, signing: await signingKey(privateKey), jwk: await publicJwk(privateKey) };
}

function readKeyFile(file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a readable JSON key file: ${(error as Error).message}`);
  }
  const pems = (parsed as { privateKeys?: unknown } | null)?.privateKeys;
  if (!Array.isArray(pems) || pems.length === 0 || !pems.every((pem) => typeof pem === 'string' && pem.includes('PRIVATE KEY'))) {
    throw new Error(`${file} must hold { "privateKeys": ["<PEM>", …] } with at least one key`);
  }
  return pems as string[];
}

function writeKeyFile(file: string, keys: readonly HeldKey[]): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ privateKeys: keys.map((k) => k.pem) }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The keys of a key file, creating the file with one new key when it is missing. */
async function loadKeys(file: string | undefined, algorithm: SigningAlgorithm): Promise<HeldKey[]> {
  if (file && existsSync(file)) return Promise.all(readKeyFile(file).map(holdKey));
  const keys = [await holdKey(generateKeyPairPem(algorithm).privateKey)];
  if (file) writeKeyFile(file, keys);
  return keys;
}

async function sign(key: HeldKey, issuer: string, subject: string, options: MintOptions): Promise<string> {
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: issuer,
    sub: subject,
    aud: options.audience ?? DEFAULT_AUDIENCE,
    iat: issuedAt,
    exp: issuedAt + (options.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS),
    ...(options.notBefore !== undefined ? { nbf: options.notBefore } : {}),
    ...options.claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: key.signing.alg, kid: key.signing.kid, typ: 'JWT' }).sign(key.signing.privateKey);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A running demo identity provider. `start()` it, give the hub its `issuer` and `jwksUri`, `mint()` tokens,
 * `rotate()` and `retire()` keys, `stop()` it.
 */
export class DemoIdentityProvider {
  private jwksRequests = 0;

  private constructor(
    private readonly server: Server,
    private keys: HeldKey[],
    /** The `iss` of every token it mints. */
    readonly issuer: string,
    /** Where it listens, e.g. `http://127.0.0.1:41234`. */
    readonly baseUrl: string,
    private readonly algorithm: SigningAlgorithm,
    private readonly keyFile: string | undefined,
    private readonly signIn: readonly DemoSignInPerson[] = [],
  ) {}

  /** Loads or makes its keys, then listens (see DemoIdentityProviderOptions for the defaults). */
  static async start(options: DemoIdentityProviderOptions = {}): Promise<DemoIdentityProvider> {
    const keys = await loadKeys(options.keyFile, options.algorithm ?? 'EdDSA');
    const algorithm = options.algorithm ?? keys[keys.length - 1]!.signing.alg;
    const host = options.host ?? '127.0.0.1';
    let provider: DemoIdentityProvider | undefined;
    const server = createServer((req, res) => {
      if (provider) provider.answer(req, res);
      else res.writeHead(503).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const baseUrl = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
    provider = new DemoIdentityProvider(server, keys, options.issuer ?? baseUrl, baseUrl, algorithm, options.keyFile, options.signIn);
    return provider;
  }

  /** URL of its JSON Web Key Set. */
  get jwksUri(): string {
    return `${this.baseUrl}/.well-known/jwks.json`;
  }

  /** How many times its key set was fetched (tests see the hub refetch on an unknown `kid`). */
  get requests(): number {
    return this.jwksRequests;
  }

  /** Key ID of the key it signs with now. */
  get currentKid(): string {
    return this.keys[this.keys.length - 1]!.signing.kid;
  }

  /** The key set it publishes: every key it holds, public part only, with `kid` (RFC 7638 thumbprint), `alg`, `use`. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => ({ ...key.jwk })) };
  }

  /** A token for `subject`, signed with the current key (or `options.kid`): header `alg`, `kid`, `typ: JWT`. */
  async mint(subject: string, options: MintOptions = {}): Promise<string> {
    const key = options.kid === undefined ? this.keys[this.keys.length - 1]! : this.keys.find((k) => k.signing.kid === options.kid);
    if (!key) throw new Error(`the demo identity provider holds no key ${options.kid}`);
    return sign(key, this.issuer, subject, options);
  }

  /** Adds a new key and signs with it from now on; the old ones stay published until retired. Returns the new `kid`. */
  async rotate(): Promise<string> {
    const key = await holdKey(generateKeyPairPem(this.algorithm).privateKey);
    this.keys = [...this.keys, key];
    if (this.keyFile) writeKeyFile(this.keyFile, this.keys);
    return key.signing.kid;
  }

  /** Stops publishing (and holding) an old key; tokens it signed are then refused. The current key cannot be retired. */
  retire(kid: string): void {
    if (kid === this.currentKid) throw new Error('the current signing key cannot be retired; rotate first');
    if (!this.keys.some((k) => k.signing.kid === kid)) throw new Error(`the demo identity provider holds no key ${kid}`);
    this.keys = this.keys.filter((k) => k.signing.kid !== kid);
    if (this.keyFile) writeKeyFile(this.keyFile, this.keys);
  }

  /** Stops listening and drops open connections. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** `GET /demo/people`, `POST /demo/token` (see DemoIdentityProviderOptions.signIn). */
  private answerSignIn(req: IncomingMessage, send: Send): void {
    const people = this.signIn;
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/demo/people' && req.method === 'GET') {
      send(200, { demo: true, people: people.map(({ id, labelZh, labelEn }) => ({ id, labelZh, labelEn })) });
      return;
    }
    if (route !== '/demo/token') {
      send(404, { message: `nothing at ${route}`, messageZh: '不存在' });
      return;
    }
    if (req.method !== 'POST') {
      send(405, { message: 'method not allowed', messageZh: '不支持该请求方法' }, { allow: 'POST' });
      return;
    }
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 1024) req.destroy();
    });
    req.on('end', () => {
      let id: unknown;
      try {
        id = (JSON.parse(text) as { person?: unknown }).person;
      } catch {
        // answered below
      }
      const person = people.find((p) => p.id === id);
      if (!person) {
        send(400, { message: 'unknown demo person', messageZh: '没有这个演示人员' });
        return;
      }
      this.mint(person.subject, { expiresInSeconds: SIGN_IN_LIFETIME_SECONDS }).then(
        (token) => send(200, { token, expiresInSeconds: SIGN_IN_LIFETIME_SECONDS }),
        (error: unknown) => send(500, { message: (error as Error).message, messageZh: '签发失败' }),
      );
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (this.signIn.length > 0 && (req.url ?? '').split('?')[0]?.startsWith('/demo/')) {
      this.answerSignIn(req, send);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/.well-known/jwks.json') {
      this.jwksRequests += 1;
      send(200, this.jwks());
    } else if (route === '/.well-known/openid-configuration') {
      send(200, {
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        id_token_signing_alg_values_supported: [...new Set(this.keys.map((k) => k.signing.alg))],
        subject_types_supported: ['public'],
      });
    } else {
      send(404, { error: `nothing at ${route}` });
    }
  }
}

/**
 * A token signed with the current key of a key file (see DemoIdentityProviderOptions.keyFile), without starting
 * the server: for `npm run token`. Creates the file with a new EdDSA key when it is missing, which the provider
 * then reuses. `issuer` must be the provider's, as the hub is configured with it.
 */
export async function mintWithKeyFile(keyFile: string, issuer: string, subject: string, options: MintOptions = {}): Promise<string> {
  const keys = await loadKeys(keyFile, 'EdDSA');
  const key = options.kid === undefined ? keys[keys.length - 1]! : keys.find((k) => k.signing.kid === options.kid);
  if (!key) throw new Error(`${keyFile} holds no key ${options.kid}`);
  return sign(key, issuer, subject, options);
}
