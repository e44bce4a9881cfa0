/**
 * Identical requests in flight at the same moment share one fetch: when ten callers' plans ask a node the same
 * question at once, the node is asked once. A request is identical only when everything the node would see is:
 * the community, the subgraph, the document, the variables, the operation name and the whole caller signed into
 * the hub assertion (identity, grants, roles, homes). So no caller is ever given an answer computed for another.
 * Only reads are merged, and only while in flight: nothing is kept once the answer is in.
 */
export class InflightRequests<T> {
  private readonly pending = new Map<string, Promise<T>>();
  /** Requests answered by another's fetch since the start. */
  merged = 0;

  /**
   * Runs `fetch` unless an identical request is already in flight, in which case its answer is shared. Every
   * follower gets its own `copy` of the answer: the gateway merges answers into its results in place, and two
   * requests must never share an object.
   */
  run(key: string, fetch: () => Promise<T>, copy: (answer: T) => T): Promise<T> {
    const inflight = this.pending.get(key);
    if (inflight) {
      this.merged += 1;
      return inflight.then(copy);
    }
    const started = fetch().finally(() => {
      this.pending.delete(key);
    });
    this.pending.set(key, started);
    return started;
  }

  /** Requests in flight now (for tests and status). */
  get size(): number {
    return this.pending.size;
  }
}

/** Everything a node would see of a read, as one key (see `InflightRequests`). */
export function requestKey(community: string, subgraph: string, caller: unknown, body: { query: string; variables?: unknown; operationName?: string }): string {
  return JSON.stringify([community, subgraph, caller, body.query, body.operationName ?? null, body.variables ?? null]);
}
