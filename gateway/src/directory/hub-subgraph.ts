import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import { FEDERATION_SPEC_URL } from '@lilong/schema';
import type { CommunityLinks } from '../routing/community-links';
import type { CommunityEntry, Directory } from './directory';

/** The hub's own subgraph: the directory of communities, with each node's live status. Not sharded. */
export const HUB_SUBGRAPH_SDL = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])

"""How the hub sees a community's node right now."""
enum CommunityStatus {
  """Verified and answering."""
  ACTIVE
  """Not contacted yet since the hub started or the directory changed."""
  UNVERIFIED
  """Down, slow or answering garbage; its circuit is open."""
  UNAVAILABLE
  """Serves a schema that differs from the composed supergraph; the hub does not use it."""
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
  """PEM public key its residents' committee signs notices with."""
  publicKey: String
}

type Query {
  """Every community of the sub-district, in directory order."""
  communities: [Community!]!
  community(code: String!): Community
}
`;

export function buildHubSubgraph(directory: Directory, links: CommunityLinks): GraphQLSchema {
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
        },
      } as never,
    },
  ]);
}
