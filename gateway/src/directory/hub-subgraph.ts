import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import { FEDERATION_SPEC_URL } from '@lilong/schema';
import { nodeEd25519 } from '@lilong/kit/src/hub';
import { readVerifierInput, verifierLink, verifySignedDocument, type SignedDocument, type Verdict } from '@lilong/schema';
import type { CommunityLinks } from '../routing/community-links';
import type { CommunityEntry, Directory } from './directory';
import { keyDirectoryOf } from './notice-keys';
import { liveEventsSdl } from '../live/specs';

/** The hub's own subgraph: the directory of communities, with each node's live status. Not sharded. */
export const HUB_SUBGRAPH_SDL = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@external", "@requires"])

"""How the hub sees a community's node right now."""
enum CommunityStatus {
  """Verified and answering."""
  ACTIVE
  """Not contacted yet since the hub started or the directory changed."""
  UNVERIFIED
  """Down, slow or answering garbage; its circuit is open."""
  UNAVAILABLE
  """Answering, but some of its subgraphs serve a schema incompatible with the composed supergraph: their data is missing for this community, the rest answers (statusDetail says which and why)."""
  DEGRADED
  """Every one of its subgraphs serves a schema incompatible with the composed supergraph; the hub does not use it."""
  REFUSED
  """Taken out of service in the directory."""
  SUSPENDED
}

"""A community 社区: one residents' committee area, running its own node."""
type Community @key(fields: "code") {
  """Routing key, e.g. "xinhua-3"; the first part of every global ID of the community's records."""
  code: String!
  """Name in Chinese, e.g. 新华三居委."""
  name: String!
  nameEn: String
  status: CommunityStatus!
  """Why the community is not ACTIVE, when it is not."""
  statusDetail: String
  """Communities it may borrow volunteers from."""
  neighbours: [Community!]!
  """The keys its node signs notices and digests with, with their validity (also at /notice-keys.json)."""
  noticeKeys: [NoticeKey!]!
}

"""A community's public notice key 通知签名公钥 (Ed25519), as the sub-district's directory lists it."""
type NoticeKey {
  """Key ID: the RFC 7638 thumbprint of the key."""
  kid: String!
  """The public key, base64url (the JWK's "x")."""
  x: String!
  validFrom: String!
  """After this it signs nothing more; what it signed before stays genuine."""
  validUntil: String
  """Revoked: nothing it signed is genuine any more."""
  revokedAt: String
}

"""Why a verdict is what it is 核验结果."""
enum VerdictReason {
  GENUINE
  SUPERSEDED
  NOT_IN_FORCE
  UNREADABLE
  UNKNOWN_COMMUNITY
  UNKNOWN_KEY
  KEY_OF_ANOTHER_COMMUNITY
  REVOKED_KEY
  KEY_NOT_VALID_THEN
  BAD_SIGNATURE
  SIGNATURE_MISMATCH
  NOT_FOUND
}

"""The hub's check of a signed notice or digest against the directory's keys, made when asked. Anyone can make the same check without the hub (npm run verify-notice, /verify)."""
type Verification {
  """Signed by a valid, unrevoked key of its community and unchanged since."""
  genuine: Boolean!
  """Genuine, within its validity and not superseded: the one to follow."""
  inForce: Boolean!
  reason: VerdictReason!
  message: String!
  messageZh: String!
  """Key ID it was signed with."""
  kid: String
  checkedAt: String!
}

type Notice @key(fields: "id") {
  id: ID!
  signedDocument: String! @external
  supersededByDocument: String @external
  """The hub's verdict on the notice's signature and standing."""
  verification: Verification! @requires(fields: "signedDocument supersededByDocument")
  """Short for verification.inForce: genuine, in force and not superseded."""
  verified: Boolean! @requires(fields: "signedDocument supersededByDocument")
  """The verifier page's link for this notice (what its QR code carries)."""
  verifierLink: String! @requires(fields: "signedDocument")
  """The QR code of verifierLink, as an SVG document, for the printed notice."""
  qrSvg: String! @requires(fields: "signedDocument")
}

"""A digest's standing as the hub checks it, like a notice's; a draft has no signature, so no verdict."""
type Digest @key(fields: "id") {
  id: ID!
  signedDocument: String @external
  """The hub's verdict on the published digest's signature; null for a draft."""
  verification: Verification @requires(fields: "signedDocument")
  """Genuine (a digest is never superseded); false for a draft."""
  verified: Boolean! @requires(fields: "signedDocument")
  """The verifier page's link for this digest (what its QR code carries); null for a draft."""
  verifierLink: String @requires(fields: "signedDocument")
  """The QR code of verifierLink, as an SVG document; null for a draft."""
  qrSvg: String @requires(fields: "signedDocument")
}

type Query {
  """Every community of the sub-district, in directory order."""
  communities: [Community!]!
  community(code: String!): Community
}

${liveEventsSdl()}`;

interface SignedRepresentation {
  id: string;
  signedDocument?: string | null;
  supersededByDocument?: string | null;
}

const documentOf = (text: string | null | undefined): SignedDocument | undefined => {
  if (!text) return undefined;
  const input = readVerifierInput(text);
  return input.kind === 'document' ? input.doc : undefined;
};

/**
 * The hub's verdict on a signed record, from the text its node returned: checked against the directory's keys
 * (the same rule as the verifier page and command), the superseding notice checked in turn.
 */
export async function verdictOn(directory: Directory, record: SignedRepresentation, now = new Date()): Promise<Verdict> {
  const doc = documentOf(record.signedDocument);
  if (!doc) return { genuine: false, inForce: false, reason: 'UNREADABLE', message: 'Not genuine: the node returned no readable signed text.', messageZh: '不是真的：节点返回的签名文本无法读取。' };
  if (doc.payload.id !== record.id) {
    return { genuine: false, inForce: false, reason: 'SIGNATURE_MISMATCH', message: `Not genuine: the signed text is of ${doc.payload.id}, not of ${record.id}.`, messageZh: `不是真的：签名文本属于 ${doc.payload.id}，而不是 ${record.id}。` };
  }
  return verifySignedDocument(doc, { keys: keyDirectoryOf(directory), ed25519: nodeEd25519, now, supersededBy: documentOf(record.supersededByDocument) ?? null });
}

export interface HubSubgraphOptions {
  /** The address people reach the hub at, for verifier links. */
  publicUrl: () => string;
}

export function buildHubSubgraph(directory: Directory, links: CommunityLinks, options: HubSubgraphOptions): GraphQLSchema {
  const verdicts = new WeakMap<object, Promise<Verdict>>();
  const verdictOf = (record: SignedRepresentation): Promise<Verdict> => {
    let verdict = verdicts.get(record);
    if (!verdict) {
      verdict = verdictOn(directory, record);
      verdicts.set(record, verdict);
    }
    return verdict;
  };
  const linkOf = (record: SignedRepresentation): string => {
    const doc = documentOf(record.signedDocument);
    return doc ? verifierLink(options.publicUrl(), doc) : `${options.publicUrl()}/verify`;
  };
  // The QR code library (and its PNG encoder) is loaded the first time a notice's code is asked for.
  const qrOf = (record: SignedRepresentation): Promise<string> => (require('qrcode') as typeof import('qrcode')).toString(linkOf(record), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const view = (entry: CommunityEntry) => ({ ...entry, __entry: entry });
  const byCode = (code: string) => {
    const entry = directory.get(code);
    return entry ? view(entry) : null;
  };
  return buildSubgraphSchema([
    {
      typeDefs: parse(HUB_SUBGRAPH_SDL),
      resolvers: {
        Query: {
          communities: () => directory.list().map(view),
          community: (_: unknown, { code }: { code: string }) => byCode(code),
        },
        Community: {
          __resolveReference: ({ code }: { code: string }) => byCode(code),
          status: ({ code }: CommunityEntry) => links.status(code),
          statusDetail: ({ code }: CommunityEntry) => (links.status(code) === 'ACTIVE' ? null : (links.lastError(code) ?? null)),
          neighbours: ({ neighbours }: CommunityEntry) => neighbours.flatMap((code) => byCode(code) ?? []),
          noticeKeys: ({ noticeKeys }: CommunityEntry) => noticeKeys.map((k) => ({ ...k, x: k.jwk.x })),
        },
        Notice: {
          __resolveReference: (representation: SignedRepresentation) => representation,
          verification: async (record: SignedRepresentation) => ({ ...(await verdictOf(record)), checkedAt: new Date().toISOString() }),
          verified: async (record: SignedRepresentation) => (await verdictOf(record)).inForce,
          verifierLink: (record: SignedRepresentation) => linkOf(record),
          qrSvg: (record: SignedRepresentation) => qrOf(record),
        },
        Digest: {
          __resolveReference: (representation: SignedRepresentation) => representation,
          verification: async (record: SignedRepresentation) => (record.signedDocument ? { ...(await verdictOf(record)), checkedAt: new Date().toISOString() } : null),
          verified: async (record: SignedRepresentation) => (record.signedDocument ? (await verdictOf(record)).inForce : false),
          verifierLink: (record: SignedRepresentation) => (record.signedDocument ? linkOf(record) : null),
          qrSvg: (record: SignedRepresentation) => (record.signedDocument ? qrOf(record) : null),
        },
      } as never,
    },
  ]);
}
