/** The domain subgraphs every community node serves, each once in composition. */
export const SHARDED_SUBGRAPHS = ['groups', 'shops', 'volunteers', 'info', 'webhooks'] as const;
export type ShardedSubgraphName = (typeof SHARDED_SUBGRAPHS)[number];

/** The hub's own in-process subgraph: the directory of communities. */
export const HUB_SUBGRAPH = 'hub' as const;

export type SubgraphName = ShardedSubgraphName | typeof HUB_SUBGRAPH;

export function isShardedSubgraph(name: string): name is ShardedSubgraphName {
  return (SHARDED_SUBGRAPHS as readonly string[]).includes(name);
}

/** Path of a subgraph on a community node, e.g. `/shops/graphql`. */
export function subgraphPath(name: ShardedSubgraphName): string {
  return `/${name}/graphql`;
}
