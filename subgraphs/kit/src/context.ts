import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from './auth/claims';

/**
 * What every resolver of a community node sees, built fresh for each request: a forked EntityManager (never the
 * global one), DataLoaders that live and die with the request, and the caller's claims from the hub's assertion.
 */
export interface SubgraphContext<Loaders = unknown> {
  /** This node's community code. */
  community: string;
  em: EntityManager;
  loaders: Loaders;
  claims: Claims;
}
