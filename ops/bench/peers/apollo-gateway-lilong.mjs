// The harness's apollo-gateway.mjs (plain @apollo/gateway + @apollo/server standalone, one process, static
// supergraph) plus the hub's assertion on every subgraph request, signed for that request's path (assertion.mjs).
//   node apollo-gateway-lilong.mjs SUPERGRAPH PORT      (or env SUPERGRAPH, PORT); listens on 127.0.0.1
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ASSERTION_HEADER, signAssertion } from './assertion.mjs';

class AssertingDataSource extends RemoteGraphQLDataSource {
  // process() has set request.http (URL and headers) by now, and awaits this hook: one call, one HTTP request.
  async willSendRequest({ request }) {
    request.http.headers.set(ASSERTION_HEADER, await signAssertion(request.http.url));
  }
}

const [file = process.env.SUPERGRAPH, port = process.env.PORT ?? '4000'] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(file, 'utf8'), buildService: ({ url }) => new AssertingDataSource({ url }) });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } });
console.log(`@apollo/gateway (with the hub assertion) ready at ${url}`);
