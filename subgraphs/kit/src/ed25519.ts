import { createPublicKey, verify } from 'node:crypto';
// The format module alone, not the schema's index: `npm run verify-notice` must not load GraphQL.
import type { Ed25519Verify } from '@lilong/schema/src/signed';

/** Ed25519 verification with Node's crypto, for `verifySignedDocument` (the browser uses WebCrypto instead). */
export const nodeEd25519: Ed25519Verify = async (jwk, data, signature) => verify(null, data, createPublicKey({ key: { ...jwk }, format: 'jwk' }), signature);
