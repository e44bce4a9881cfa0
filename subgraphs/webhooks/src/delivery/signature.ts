/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/, "Signature scheme"): the secret is `whsec_` and
 * the base64 of 32 random bytes; each delivery carries `webhook-id` (here the event ID, the same on every retry and
 * replay), `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature`: `v1,` and the base64 of
 * HMAC-SHA256, keyed with the secret's bytes, of `<id>.<timestamp>.<body>`; several space-separated while an old
 * secret is still honoured after a rotation.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The `v1,<base64>` signature of one delivery with one secret. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers of one delivery, signed with every secret given (current first). */
export function signedHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signatureOf(s, id, timestamp, body)).join(' '),
  };
}
