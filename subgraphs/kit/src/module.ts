import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from './log';
import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { ShardedSubgraphName } from '@lilong/schema';
import type { SubgraphContext } from './context';
import type { Identity, Role } from './auth/claims';
import type { DocumentSigner } from './signing';
import type { JobRunner } from './jobs/runner';

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
  /**
   * The roles an identity holds in this community by this domain's records. Exactly one domain of a node keeps
   * those records (groups: memberships and delegations); the node asks it once per request, before any resolver.
   */
  rolesFor?(em: EntityManager, community: string, identity: Identity): Promise<Role[]>;
  /**
   * Where households and compounds of this community are, by this domain's records (groups). Exactly one domain
   * keeps them; the node hands the lookup to every domain's requests as `ctx.places`.
   */
  places?(em: EntityManager, community: string, ids: readonly string[]): Promise<Map<string, Place>>;
  /**
   * Work the node runs in the background while it serves (e.g. deadlines that fire with nobody online): registers
   * the domain's job kinds on `context.jobs` (kit/src/jobs), which the node starts once every domain has.
   * Returns a function that stops what else it started and resolves once in-flight work is done.
   */
  startBackground?(context: BackgroundContext): () => Promise<void>;
  /** Steps across communities, carried by the hub's relay (RELAY_PATH). */
  relay?: RelayHooks;
  /** What happened in this domain in a period that residents should hear of (an information officer's digest). */
  news?(em: EntityManager, community: string, period: NewsPeriod): Promise<NewsItem[]>;
}

/** A period of time, `from` exclusive, `to` inclusive. */
export interface NewsPeriod {
  from: Date;
  to: Date;
}

/**
 * One thing worth telling residents, as a domain words it for a digest: a group order formed or failed, a pool
 * close to its minimum, stock running low, care tasks done. The officer edits the draft before publishing it.
 */
export interface NewsItem {
  /** A stable kind, e.g. `GROUP_ORDER_FORMED`, `LOW_STOCK`, `CARE_DONE`. */
  kind: string;
  /** When it happened (or was seen, for a state such as low stock). */
  at: Date;
  /** The line as residents read it, in Chinese. */
  text: string;
  /** The record it is about (a global ID), if any. */
  ref: string | null;
}

/** Every domain's news of a period but the asker's own, oldest first. */
export type NewsLookup = (period: NewsPeriod) => Promise<NewsItem[]>;

/**
 * Where a household or compound is, as the community's records say: what a care request is picked up at and what
 * a volunteer's base defaults to. `addressLabel` is the household's building-unit-room ("8-客堂间"), empty for a compound.
 */
export interface Place {
  /** The household's or compound's global ID, as asked. */
  id: string;
  compoundId: string;
  compoundName: string;
  /** The compound gate's street address. */
  compoundAddress: string;
  /** The household's building 楼号; empty for a compound. */
  building: string;
  addressLabel: string;
  lat: number;
  lng: number;
}

/** Looks places up by global ID (households and compounds of this community); unknown IDs are left out. */
export type PlaceLookup = (ids: readonly string[]) => Promise<Map<string, Place>>;

/** For contexts that look nothing up (tests of one domain): knows no place. */
export const NO_PLACES: PlaceLookup = async () => new Map();

/**
 * A step one community's node asks the hub's relay to carry to another community's node: it lives in the origin's
 * database until settled, so a node dying between the two writes loses nothing; the target applies it at most
 * once (by its key), and the origin settles it with the target's outcome.
 */
export interface RemoteStep {
  /** The origin's ID of the step. */
  id: number;
  /** The community that must apply it. */
  target: string;
  /** What to do there; the domain's own shape. */
  body: Record<string, unknown>;
}

export type RelayOutcome = { ok: true } | { ok: false; code: string; message: string; messageZh: string };

/** The relay hooks of the one domain that takes part in steps across communities (volunteers: borrowing). */
export interface RelayHooks {
  /** Unsettled steps, oldest first, at most one per record (a record's steps are carried in order). */
  pending(em: EntityManager, community: string, limit: number): Promise<RemoteStep[]>;
  /** Applies a step another community sent; the same step twice has the effect of one. */
  apply(em: EntityManager, community: string, origin: string, step: RemoteStep): Promise<RelayOutcome>;
  /** Records the target's outcome of one of this community's steps; settling twice changes nothing. */
  settle(em: EntityManager, community: string, stepId: number, outcome: RelayOutcome): Promise<void>;
}

export interface BackgroundContext {
  community: string;
  /** The other domains' news (see NewsLookup). */
  news?: NewsLookup;
  /** The community's notice key, when the node has one. */
  signer?: DocumentSigner;
  /** The domain's ORM; fork an EntityManager per unit of work. */
  orm: MikroORM<PostgreSqlDriver>;
  log: Logger;
  /** The node's one job runner (shared by every domain): register kinds here; it starts after every domain has. */
  jobs: JobRunner;
}
