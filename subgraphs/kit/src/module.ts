import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { ShardedSubgraphName } from '@lilong/schema';
import type { SubgraphContext } from './context';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassType = Function;

/** A `__resolveReference`: from a representation to the object the subgraph's field resolvers start from. */
export type ReferenceResolver<Loaders> = (
  representation: Record<string, unknown> & { __typename: string },
  context: SubgraphContext<Loaders>,
) => unknown;

/** Everything a community node needs to serve one domain subgraph. */
export interface SubgraphModule<Loaders = unknown> {
  name: ShardedSubgraphName;
  /** type-graphql resolver classes. */
  resolvers: [ClassType, ...ClassType[]];
  /** Types reachable only as entities (extensions of other subgraphs' entities), which must be listed to appear. */
  orphanedTypes?: ClassType[];
  /** MikroORM entities, all in the PostgreSQL schema named after the subgraph. */
  entities: EntityClass<unknown>[];
  /** Committed migrations, in order. */
  migrations: MigrationObject[];
  references: Record<string, ReferenceResolver<Loaders>>;
  /** Creates the request's DataLoaders. */
  createLoaders(em: EntityManager, community: string): Loaders;
}
