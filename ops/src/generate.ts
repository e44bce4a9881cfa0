import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildFederatedSchema } from '@lilong/kit';
import { HUB_SUBGRAPH_SDL } from '@lilong/gateway';
import { DOMAIN_MODULES } from '@lilong/node';
import { GENERATED_HEADER, HUB_SUBGRAPH, SUPERGRAPH_PATH, subgraphSdlPath } from '@lilong/schema';
import { parse } from 'graphql';

export interface GeneratedArtefact {
  path: string;
  content: string;
}

/** Placeholder URL for sharded subgraphs: the hub routes them itself and never calls this. */
const SHARDED_URL = (name: string) => `http://${name}.sharded.lilong.invalid/graphql`;

/**
 * Every generated schema artefact, from the code: each subgraph's SDL, and the supergraph composed from it with
 * `@apollo/composition` (the same SDL the nodes serve, so a drift between code and contract is caught here).
 */
export async function generateArtefacts(): Promise<GeneratedArtefact[]> {
  const subgraphs: { name: string; sdl: string }[] = [];
  for (const module of DOMAIN_MODULES) subgraphs.push({ name: module.name, sdl: (await buildFederatedSchema(module)).sdl });
  subgraphs.push({ name: HUB_SUBGRAPH, sdl: HUB_SUBGRAPH_SDL });
  const supergraphSdl = composeSupergraph(subgraphs);
  return [
    ...subgraphs.map(({ name, sdl }) => ({ path: subgraphSdlPath(name), content: `${GENERATED_HEADER}${sdl.trimEnd()}\n` })),
    { path: SUPERGRAPH_PATH, content: `${GENERATED_HEADER}${supergraphSdl.trimEnd()}\n` },
  ];
}

/**
 * The supergraph composed from subgraph SDL with `@apollo/composition`, as a hub release ships it (also how tests
 * build another release's supergraph: upgrades.test.ts); throws with every composition error.
 */
export function composeSupergraph(subgraphs: readonly { name: string; sdl: string }[]): string {
  const composed = composeServices(
    subgraphs.map(({ name, sdl }) => ({ name, typeDefs: parse(sdl), url: name === HUB_SUBGRAPH ? 'http://hub.local.lilong.invalid/graphql' : SHARDED_URL(name) })),
  );
  if (composed.errors) {
    throw new Error(`composition failed:\n${composed.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return composed.supergraphSdl;
}

export function writeArtefacts(artefacts: GeneratedArtefact[]): void {
  for (const { path, content } of artefacts) writeFileSync(path, content);
}

/** The artefacts whose committed content differs from what the code generates. */
export function driftedArtefacts(artefacts: GeneratedArtefact[]): string[] {
  return artefacts
    .filter(({ path, content }) => {
      try {
        return readFileSync(path, 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(({ path }) => path);
}
