/**
 * The idempotent-answers plugin: a replay answers with the node's whole first answer, fields computed from other
 * records included. Run in-process, on a real Apollo Server over the real shops subgraph of a test community node
 * (the node's own servers get the plugin in subgraphs/kit/src/server.ts); the hub passes the node's answer on as is.
 */
import { ApolloServer } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { buildFederatedSchema, claimsFor, NO_PLACES, type Claims, type SubgraphContext } from '@lilong/kit';
import { shopsSubgraph } from '@lilong/shops';
import { idempotentAnswers } from '../../subgraphs/kit/src/idempotent-answers';
import { TestCluster } from './support/cluster';
import { lookUp, stockedProduct, type CommunityInfo } from './support/sub-district';

let cluster: TestCluster;
let server: ApolloServer<SubgraphContext<unknown>>;
let grocery: CommunityInfo['shops'][number];
const logged: unknown[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  grocery = (await lookUp(cluster)).get('alpha')!.shops.find((s) => s.name === '甲副食品店')!;
  const { schema } = await buildFederatedSchema(shopsSubgraph);
  server = new ApolloServer<SubgraphContext<unknown>>({ schema, plugins: [idempotentAnswers({ error: (_m, e) => logged.push(e) })] });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

const merchant: Claims = claimsFor({ issuer: 'lilong-test-idp', subject: 'merchant-answers' }, []);

/** One request to alpha's shops subgraph, as its node would run it: a fresh EntityManager and loaders. */
async function ask(query: string, variables: Record<string, unknown>) {
  merchant.roles = [{ role: 'merchant', shop: grocery.id }];
  const orm = cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm;
  const em = orm.em.fork();
  const contextValue = { community: 'alpha', em, loaders: shopsSubgraph.createLoaders(em, 'alpha'), claims: merchant, signal: new AbortController().signal, places: NO_PLACES };
  const response = await server.executeOperation({ query, variables }, { contextValue: contextValue as SubgraphContext<unknown> });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const ADJUST = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id stock { onHand available version } stockHistory(first: 5) { kind onHandAfter reason } } }`;

describe('a replay answers with the node’s whole first answer', () => {
  it('fields computed from other records (the stock history) are as first answered, not as they are now', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '紫菜 50g', onHand: 10 });
    const input = { productId, delta: 3, reason: 'delivery', idempotencyKey: `answers-${randomUUID()}` };
    const first = await ask(ADJUST, { i: input });
    expect(first.errors).toBeUndefined();
    expect(first.data.adjustStock.stockHistory.map((h: { reason: string | null }) => h.reason)).toEqual(['delivery', null]);
    expect((await ask(ADJUST, { i: { productId, delta: 1, reason: 'found one' } })).data.adjustStock.stock.onHand).toBe(14);

    const replay = await ask(ADJUST, { i: input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data).toEqual(first.data);
    expect(logged).toEqual([]);
  });

  it('a replay that asks for other fields gets the record as first committed, and what else it asks for as it is now', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '虾皮 100g', onHand: 10 });
    const input = { productId, delta: 3, reason: 'delivery', idempotencyKey: `answers-${randomUUID()}` };
    expect((await ask(ADJUST, { i: input })).errors).toBeUndefined();
    await ask(ADJUST, { i: { productId, delta: 1, reason: 'found one' } });
    const other = await ask(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { stock { onHand } stockHistory(first: 5) { reason } } }`, { i: input });
    expect(other.errors).toBeUndefined();
    expect(other.data.adjustStock).toEqual({ stock: { onHand: 13 }, stockHistory: [{ reason: 'found one' }, { reason: 'delivery' }, { reason: null }] });
  });

  it('an answer with errors is not stored: its replay answers from the record again', async () => {
    const productId = await stockedProduct(cluster, grocery.id, { name: '海带 200g', onHand: 10 });
    const input = { productId, delta: 2, reason: 'delivery', idempotencyKey: `answers-${randomUUID()}` };
    // stockHistory(first: 0) is refused (BAD_USER_INPUT) after the change committed: the answer has an error under the field.
    const withError = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { stock { onHand } stockHistory(first: 0) { reason } } }`;
    const first = await ask(withError, { i: input });
    expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const replay = await ask(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { stock { onHand } } }`, { i: input });
    expect(replay.data.adjustStock.stock.onHand).toBe(12);
    const orm = cluster.nodes.get('alpha')!.subgraphs.get('shops')!.orm;
    const [row] = await orm.em.fork().getConnection().execute('select answer from idempotency_record where key = ?', [input.idempotencyKey]);
    expect(row.answer).toBeNull();
  });
});
