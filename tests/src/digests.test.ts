/**
 * Digests 信息简报, through the hub: after a notice is published, a question answered, a group order formed, stock
 * run low and a care task done, an information officer's draft holds a line for each (the other domains' `news`);
 * the officer edits and publishes it, signed with the community's key like a notice: the signed text verifies with
 * the shared rule against the directory's keys, and a changed line does not. A published digest is never edited; a
 * draft is the information staff's alone. The node makes the next draft by itself once the interval has passed.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keyDirectoryOf } from '@lilong/gateway/src/directory/notice-keys';
import { draftDueDigests } from '@lilong/info';
import type { NewsLookup } from '@lilong/kit';
import { DIGEST_TYPE, readVerifierInput, verifySignedDocument, type DigestPayload, type SignedDocument } from '@lilong/schema';
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { TestCluster } from './support/cluster';
import { join, openOrder, openPool, signUp } from './support/orders';
import { leaderToken, lookUp, residentToken, stockedProduct, type CommunityInfo } from './support/sub-district';
import { must, codeOf } from './support/answers';
import { runLilong } from './support/commands';

let cluster: TestCluster;
let alpha: CommunityInfo;
let officer: string;
let committee: string;
let resident: string;
let officerOfBeta: string;

const ed25519 = async (jwk: object, data: Uint8Array, sig: Uint8Array) => verify(null, data, createPublicKey({ key: jwk as never, format: 'jwk' }), sig);

const FIELDS = `id status title body items { kind text ref } periodFrom periodTo publishedAt publishedBy kid signature signedDocument community { code }`;

function mutate(name: string, type: string, input: Record<string, unknown>, token: string | undefined) {
  return cluster.query(`mutation($i: ${type}!) { ${name}(input: $i) { ${FIELDS} } }`, { i: input }, token);
}

const draft = (token = officer) => mutate('draftDigest', 'DraftDigestInput', { community: 'alpha' }, token);

async function readDigest(id: string, token?: string) {
  return (await must(cluster.query(`query($id: ID!) { digest(id: $id) { ${FIELDS} } }`, { id }, token))).digest;
}

/** The node's news of every domain, as it hands it to the info domain's background work. */
function newsOfAlpha(): NewsLookup {
  const node = cluster.nodes.get('alpha')!;
  return async (period) => {
    const parts = await Promise.all([...node.subgraphs.values()].filter((s) => s.module.news).map((s) => s.module.news!(s.orm.em.fork() as never, 'alpha', period)));
    return parts.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
  };
}

const infoEm = () => cluster.nodes.get('alpha')!.subgraphs.get('info')!.orm.em.fork() as unknown as EntityManager;

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta'), background: false });
  alpha = (await lookUp(cluster)).get('alpha')!;
  officer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'digests-officer');
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'digests-committee');
  officerOfBeta = await cluster.token([{ role: 'info_officer', community: 'beta' }], 'digests-officer-beta');
  resident = await residentToken(cluster, alpha.compounds[0]!.households[0]!);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a digest', () => {
  const made: Record<string, string> = {};
  let digest: any;

  beforeAll(async () => {
    made.notice = (
      await must(cluster.query(`mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id } }`, { i: { community: 'alpha', category: 'SUPPLIES', title: '本周蔬菜包发放', body: '周六上午按楼发放。' } }, committee))
    ).publishNotice.id;
    const home = alpha.compounds[0]!.households[0]!;
    const asked = (await must(cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`, { i: { householdId: home.id, text: '蔬菜包要自己下楼拿吗？' } }, resident))).askQuestion.id;
    await must(cluster.query(`mutation($i: AnswerQuestionInput!) { answerQuestion(input: $i) { id } }`, { i: { questionId: asked, answer: '志愿者送到楼下。' } }, officer));
    made.question = asked;
    // A group order of the compound's group that forms, and a product with three units left.
    const group = alpha.groups.find((g) => alpha.compounds.find((c) => c.id === g.compoundId)?.households.some((h) => h.id !== g.leaderHouseholdId))!;
    const buyer = alpha.compounds.find((c) => c.id === group.compoundId)!.households.find((h) => h.id !== group.leaderHouseholdId)!;
    const shop = alpha.shops[0]!;
    const rice = await stockedProduct(cluster, shop.id, { name: '简报大米 5kg', onHand: 100 });
    made.order = await openOrder(cluster, shop.id, group, [rice], { title: '简报大米团购', deadline: new Date(Date.now() + 600_000).toISOString() });
    if ((await signUp(cluster, buyer, made.order, rice, 2)).errors) throw new Error('sign-up failed');
    const closed = await must(cluster.query(`mutation($i: GroupOrderActionInput!) { closeGroupOrder(input: $i) { status } }`, { i: { orderId: made.order } }, await leaderToken(cluster, group)));
    expect(closed.closeGroupOrder.status).toBe('FORMED');
    // A pool one pack short of its minimum of five: four units of a one-unit pack signed up.
    const oil = await stockedProduct(cluster, shop.id, { name: '简报菜籽油', onHand: 100 });
    made.pool = await openPool(cluster, shop.id, oil, 5, 600);
    const pooled = await openOrder(cluster, shop.id, group, [oil], { title: '简报菜籽油团购', deadline: new Date(Date.now() + 600_000).toISOString() });
    if ((await signUp(cluster, buyer, pooled, oil, 4)).errors) throw new Error('sign-up failed');
    await join(cluster, group, made.pool, pooled, 0);
    made.lowStock = await stockedProduct(cluster, shop.id, { name: '简报口罩', onHand: 3 });
    // A care task done: asked through the hub, then marked done in the node's records (the protocol is another test's).
    const dispatcher = await cluster.token([{ role: 'dispatcher', community: 'alpha' }], 'digests-dispatcher');
    const start = Date.now() + 3600_000;
    const care = await must(
      cluster.query(
        `mutation($i: RequestCareInput!) { requestCare(input: $i) { id } }`,
        { i: { householdId: home.id, kind: 'MEDICAL_TRIP', purpose: 'DIALYSIS', destination: '瑞金医院', urgency: 'SCHEDULED', windowStart: new Date(start).toISOString(), windowEnd: new Date(start + 1800_000).toISOString(), passengers: 1 } },
        dispatcher,
      ),
    );
    const volunteers = cluster.nodes.get('alpha')!.subgraphs.get('volunteers')!.orm;
    await volunteers.em.fork().getConnection().execute(`update "volunteers"."care_request" set status = 'DONE', finished_at = now() where id = ?`, [Number(care.requestCare.id.split(':')[2])]);
  }, 60_000);

  it('is drafted by information staff with a line for each thing that happened, in every domain', async () => {
    digest = (await must(draft())).draftDigest;
    expect(digest).toMatchObject({ status: 'DRAFT', publishedAt: null, signedDocument: null, kid: null, community: { code: 'alpha' } });
    expect(digest.id).toMatch(/^alpha:Digest:\d+$/);
    const byRef = (ref: string) => digest.items.find((i: any) => i.ref === ref);
    expect(byRef(made.notice)).toEqual({ kind: 'NOTICE_PUBLISHED', text: '居委通知：本周蔬菜包发放', ref: made.notice });
    expect(byRef(made.question)).toMatchObject({ kind: 'QUESTION_ANSWERED', text: expect.stringContaining('志愿者送到楼下') });
    expect(byRef(made.order)).toMatchObject({ kind: 'GROUP_ORDER_FORMED', text: expect.stringContaining('简报大米团购') });
    expect(byRef(made.pool)).toMatchObject({ kind: 'POOL_NEAR_MINIMUM', text: expect.stringContaining('还差 1 包') });
    expect(byRef(made.lowStock)).toMatchObject({ kind: 'LOW_STOCK', text: expect.stringContaining('仅剩 3') });
    expect(digest.items).toContainEqual({ kind: 'CARE_DONE', text: '志愿者完成就医接送 1 单', ref: null });
    // No address and no name of anyone in it.
    expect(JSON.stringify(digest.items)).not.toContain(alpha.compounds[0]!.households[0]!.address);
    expect(Date.parse(digest.periodFrom)).toBeLessThan(Date.parse(digest.periodTo));
    // Made again: the one open draft is refreshed, not doubled.
    const again = (await must(draft(committee))).draftDigest;
    expect(again.id).toBe(digest.id);
    const seen = (await must(cluster.query(`{ community(code: "alpha") { digestDraft { id } } }`, {}, officer))).community.digestDraft;
    expect(seen).toEqual({ id: digest.id });
  });

  it('keeps a draft from everyone but information staff', async () => {
    const unsigned = (await must(cluster.query(`query($id: ID!) { digest(id: $id) { verified verification { reason } verifierLink qrSvg } }`, { id: digest.id }, officer))).digest;
    expect(unsigned).toEqual({ verified: false, verification: null, verifierLink: null, qrSvg: null });
    expect(await readDigest(digest.id, resident)).toBeNull();
    expect(await readDigest(digest.id)).toBeNull();
    expect((await readDigest(digest.id, officer)).id).toBe(digest.id);
    expect(codeOf(await cluster.query(`{ community(code: "alpha") { digestDraft { id } } }`, {}, resident))).toBe('FORBIDDEN');
    for (const token of [resident, officerOfBeta]) {
      expect(codeOf(await draft(token))).toBe('FORBIDDEN');
      expect(codeOf(await mutate('updateDigestDraft', 'UpdateDigestDraftInput', { digestId: digest.id, title: '改' }, token))).toBe('FORBIDDEN');
      expect(codeOf(await mutate('publishDigest', 'PublishDigestInput', { digestId: digest.id }, token))).toBe('FORBIDDEN');
    }
  });

  it('is edited by the officer, refusing bad input by argument', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ title: '  ' }, 'input.title'],
      [{ title: '题'.repeat(101) }, 'input.title'],
      [{ items: [{ kind: 'not a kind', text: '一条' }] }, 'input.items[0].kind'],
      [{ items: [{ kind: 'OTHER', text: '' }] }, 'input.items[0].text'],
    ];
    for (const [input, argument] of bad) {
      const refused = await mutate('updateDigestDraft', 'UpdateDigestDraftInput', { digestId: digest.id, ...input }, officer);
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0]!.extensions!.argument).toBe(argument);
    }
    const items = [...digest.items.filter((i: any) => i.kind !== 'LOW_STOCK'), { kind: 'REMINDER', text: '出门请戴好口罩。', ref: null }];
    digest = (await must(mutate('updateDigestDraft', 'UpdateDigestDraftInput', { digestId: digest.id, title: '甲社区简报（午间）', body: '今日要点如下。', items }, officer))).updateDigestDraft;
    expect(digest).toMatchObject({ status: 'DRAFT', title: '甲社区简报（午间）', body: '今日要点如下。', items });
  });

  it('is published signed with the community key: the signed text verifies against the directory, a changed line does not', async () => {
    const published = (await must(mutate('publishDigest', 'PublishDigestInput', { digestId: digest.id }, officer))).publishDigest;
    expect(published).toMatchObject({ id: digest.id, status: 'PUBLISHED', title: '甲社区简报（午间）', publishedBy: '信息员 Information officer' });
    expect(cluster.hub.directory.get('alpha')!.noticeKeys.map((k) => k.kid)).toContain(published.kid);
    const input = readVerifierInput(published.signedDocument);
    expect(input.kind).toBe('document');
    const doc = (input as { doc: SignedDocument<DigestPayload> }).doc;
    expect(doc.payload).toEqual({
      type: DIGEST_TYPE, id: digest.id, community: 'alpha', title: '甲社区简报（午间）', body: '今日要点如下。', items: digest.items,
      periodFrom: digest.periodFrom, periodTo: digest.periodTo, publishedAt: published.publishedAt, publishedBy: '信息员 Information officer',
    });
    expect(doc.sig).toBe(published.signature);
    const keys = keyDirectoryOf(cluster.hub.directory);
    expect(await verifySignedDocument(doc, { keys, ed25519 })).toMatchObject({ genuine: true, inForce: true, reason: 'GENUINE', communityName: cluster.hub.directory.get('alpha')!.name });
    const changed = { ...doc, payload: { ...doc.payload, items: [...doc.payload.items, { kind: 'REMINDER', text: '明日解封。', ref: null }] } };
    expect(await verifySignedDocument(changed, { keys, ed25519 })).toMatchObject({ genuine: false, reason: 'BAD_SIGNATURE' });
    // Public once published, newest first in the community's list; no draft is left open.
    // (The stored payload may come back with its keys in another order; the signature covers the canonical form.)
    expect(JSON.parse((await readDigest(digest.id)).signedDocument)).toEqual(JSON.parse(published.signedDocument));
    const community = (await must(cluster.query(`{ community(code: "alpha") { digests { id } digestDraft { id } } }`, {}, officer))).community;
    expect(community.digests[0]).toEqual({ id: digest.id });
    expect(community.digestDraft).toBeNull();
    // The hub's own verdict, as every partner app reads it, and the verifier link its QR code carries.
    const checked = (await must(cluster.query(`query($id: ID!) { digest(id: $id) { verified verification { genuine inForce reason kid messageZh } verifierLink } }`, { id: digest.id }))).digest;
    expect(checked).toMatchObject({ verified: true, verification: { genuine: true, inForce: true, reason: 'GENUINE', kid: published.kid } });
    expect(checked.verification.messageZh).toContain(cluster.hub.directory.get('alpha')!.name);
    expect(checked.verifierLink).toContain('/verify#');
    // And without the hub's word: the command people run reads the QR code's link, fetches the digest and checks it.
    const run = await runLilong('verify-notice', ['--hub', cluster.url.replace(/\/graphql$/, ''), '--text', checked.verifierLink]);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(cluster.hub.directory.get('alpha')!.name) });
    digest = published;
  });

  it('is never edited or published again once published', async () => {
    for (const answer of [
      await mutate('updateDigestDraft', 'UpdateDigestDraftInput', { digestId: digest.id, title: '改个标题' }, officer),
      await mutate('publishDigest', 'PublishDigestInput', { digestId: digest.id }, committee),
    ]) {
      expect(codeOf(answer)).toBe('INVALID_TRANSITION');
      expect(answer.errors![0]!.extensions).toMatchObject({ status: 'PUBLISHED', messageZh: expect.stringContaining('已发布') });
    }
  });

  it('is drafted by the node by itself once the interval has passed since the last digest', async () => {
    const set = (minutes: number, token = officer) =>
      cluster.query(`mutation($i: SetDigestIntervalInput!) { setDigestInterval(input: $i) { intervalMinutes community { code } } }`, { i: { community: 'alpha', minutes } }, token);
    expect(codeOf(await set(10))).toBe('BAD_USER_INPUT');
    expect(codeOf(await set(30, resident))).toBe('FORBIDDEN');
    expect((await must(set(15))).setDigestInterval).toEqual({ intervalMinutes: 15, community: { code: 'alpha' } });
    expect((await must(cluster.query(`{ community(code: "alpha") { digestIntervalMinutes } }`))).community.digestIntervalMinutes).toBe(15);

    const sweep = draftDueDigests({ community: 'alpha', news: newsOfAlpha() });
    // Not yet: fifteen minutes have not passed since the published digest's period ended.
    expect(await sweep(infoEm(), new Date())).toBe(0);
    const later = new Date(Date.parse(digest.periodTo) + 16 * 60_000);
    expect(await sweep(infoEm(), later)).toBe(1);
    // One draft at a time: the next tick leaves it alone.
    expect(await sweep(infoEm(), new Date(later.getTime() + 60_000))).toBe(0);
    const next = (await must(cluster.query(`{ community(code: "alpha") { digestDraft { ${FIELDS} } } }`, {}, officer))).community.digestDraft;
    expect(next).toMatchObject({ status: 'DRAFT', periodFrom: digest.periodTo, periodTo: later.toISOString() });
    expect(next.id).not.toBe(digest.id);
    // Nothing it already told: the published digest's notice and question are not repeated.
    expect(next.items.map((i: any) => i.ref)).not.toContain(made.notice);
    expect(next.items.map((i: any) => i.ref)).not.toContain(made.question);
  });
});
