import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from './auth/claims';
import type { NewsLookup, PlaceLookup } from './module';
import type { DocumentSigner } from './signing';

/**
 * What every resolver of a community node sees, built fresh for each request: a forked EntityManager (never the
 * global one), DataLoaders that live and die with the request, the caller's claims from the hub's assertion, and
 * the request's abort signal.
 */
export interface SubgraphContext<Loaders = unknown> {
  /** This node's community code. */
  community: string;
  em: EntityManager;
  loaders: Loaders;
  claims: Claims;
  /**
   * Aborts when the request is over its budget or its caller (the hub) has gone away; its reason is the coded
   * error to answer with. The node checks it before every resolver and SQL statement; long loops in services
   * may check it too (`signal.throwIfAborted()`).
   */
  signal: AbortSignal;
  /** Where this community's households and compounds are (read from the domain that keeps them, outside any transaction). */
  places: PlaceLookup;
  /** What happened in the community's other domains in a period, for digests (read outside any transaction). */
  news?: NewsLookup;
  /** The community's notice key, when the node has one (LILONG_NOTICE_KEY); without it nothing can be published. */
  signer?: DocumentSigner;
  /** Set `stepsWaiting` when the request queued steps for the hub's relay to carry to other communities. */
  relay?: { stepsWaiting: boolean };
}
