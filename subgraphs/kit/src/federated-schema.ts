import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { ROUTING_DIRECTIVES_SDL, SUBGRAPH_SCHEMA_HEADER } from '@lilong/schema';
import { graphql, GraphQLSchema, parse } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { authChecker } from './auth/authorization';
import type { SubgraphModule } from './module';

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as `_service { sdl }` serves it; committed under `schema/sdl/`. */
  sdl: string;
}

/**
 * type-graphql classes -> federated subgraph schema. type-graphql cannot build a subgraph itself, so its schema is
 * printed with its directives under the federation `@link`, and rebuilt by `@apollo/subgraph` with the resolvers.
 */
export async function buildFederatedSchema(module: SubgraphModule<any>): Promise<FederatedSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    authChecker,
    authMode: 'error',
    validate: false,
    // Federation directives are unknown to plain graphql-js; @apollo/subgraph validates them below.
    skipCheck: true,
  });
  const typeDefs = parse(`${SUBGRAPH_SCHEMA_HEADER}\n${ROUTING_DIRECTIVES_SDL}\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, resolveReference] of Object.entries(module.references)) {
    const typeResolvers = (resolvers[typeName] ??= {}) as Record<string, unknown>;
    typeResolvers.__resolveReference = resolveReference;
  }
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  // Exactly what the node answers to `_service { sdl }`: the hub compares the two byte for byte (modulo spacing).
  const answer = await graphql({ schema, source: '{ _service { sdl } }' });
  const sdl = (answer.data?._service as { sdl?: string } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error(`cannot print the ${module.name} subgraph SDL: ${JSON.stringify(answer.errors)}`);
  return { schema, sdl };
}
