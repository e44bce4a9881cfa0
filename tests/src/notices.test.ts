/**
 * Signed committee notices 居委通知, through the hub: committee staff publish; anyone (a resident, no token at all)
 * reads the notice with its signature and key ID and the hub's verdict against the directory; the signed text
 * verifies with the shared rule and the directory's keys; a correction supersedes the notice (its verdict says so,
 * and it leaves the current list); a notice changed in the node's database, and one whose key the directory
 * revoked, are reported as such by the hub. Then who may publish, and bad input.
 */
import { nodeEd25519 as ed25519 } from '@lilong/kit';
import { keyDirectoryOf } from '@lilong/gateway/src/directory/notice-keys';
import { readVerifierInput, verifySignedDocument, type SignedDocument } from '@lilong/schema';
import { TestCluster } from './support/cluster';
import { lookUp, residentToken, type CommunityInfo } from './support/sub-district';
import { must, codeOf } from './support/answers';

let cluster: TestCluster;
let alpha: CommunityInfo;
let committee: string;
let resident: string;

const NOTICE_FIELDS = `id title body category publishedAt publishedBy kid signature validFrom validUntil
  scope { wholeCommunity compounds { id name } } community { code name }
  supersedes { id } supersededBy { id } signedDocument
  verification { genuine inForce reason message messageZh kid } verified verifierLink`;

const PUBLISH = `mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { ${NOTICE_FIELDS} } }`;

function publish(input: Record<string, unknown>, token = committee) {
  return cluster.query(PUBLISH, { i: { community: 'alpha', category: 'TESTING', title: '明日核酸检测', body: '12月3日 7:00-9:00 在甲里弄口做核酸，请带好手机。', ...input } }, token);
}

async function readNotice(id: string, token?: string) {
  return (await must(cluster.query(`query($id: ID!) { notice(id: $id) { ${NOTICE_FIELDS} } }`, { id }, token))).notice;
}

beforeAll(async () => {
  cluster = await TestCluster.start({ background: false });
  alpha = (await lookUp(cluster)).get('alpha')!;
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'notices-committee-alpha');
  resident = await residentToken(cluster, alpha.compounds[0]!.households[0]!);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a signed notice', () => {
  let first: any;

  it('is published by committee staff, signed with the key the directory lists for the community', async () => {
    first = (await must(publish({ compoundIds: [alpha.compounds[0]!.id] }))).publishNotice;
    expect(first.id).toMatch(/^alpha:Notice:\d+$/);
    expect(first.publishedBy).toContain('居委会');
    expect(first.scope).toEqual({ wholeCommunity: false, compounds: [{ id: alpha.compounds[0]!.id, name: alpha.compounds[0]!.name }] });
    const listed = cluster.hub.directory.get('alpha')!.noticeKeys.map((k) => k.kid);
    expect(listed).toContain(first.kid);
    expect(first.verification).toMatchObject({ genuine: true, inForce: true, reason: 'GENUINE', kid: first.kid });
    expect(first.verification.messageZh).toContain(cluster.hub.directory.get('alpha')!.name);
    expect(first.verified).toBe(true);
    expect(first.verifierLink).toMatch(/\/verify#id=alpha%3ANotice%3A\d+&kid=.+&sig=.+/);
  });

  it('reaches a resident and anyone without a token, with its signature, and verifies without the hub', async () => {
    for (const token of [resident, undefined]) {
      const seen = await readNotice(first.id, token);
      expect(seen).toMatchObject({ title: '明日核酸检测', kid: first.kid, signature: first.signature, verified: true });
      const input = readVerifierInput(seen.signedDocument);
      expect(input.kind).toBe('document');
      const doc = (input as { doc: SignedDocument }).doc;
      expect(doc.sig).toBe(first.signature);
      const keys = keyDirectoryOf(cluster.hub.directory);
      expect(await verifySignedDocument(doc, { keys, ed25519 })).toMatchObject({ genuine: true, reason: 'GENUINE', communityName: cluster.hub.directory.get('alpha')!.name });
      // One character changed in the body: the same rule says the signature no longer matches.
      const changed = { ...doc, payload: { ...doc.payload, body: doc.payload.body.replace('7:00', '8:00') } };
      expect(await verifySignedDocument(changed, { keys, ed25519 })).toMatchObject({ genuine: false, reason: 'BAD_SIGNATURE' });
    }
  });

  it('is superseded by a correction: the old one says so and leaves the current list, the new one stands', async () => {
    const correction = (await must(publish({ title: '明日核酸检测（更正）', body: '改为 8:00-10:00。', supersedes: first.id }))).publishNotice;
    expect(correction.supersedes).toEqual({ id: first.id });
    expect(correction.verification.reason).toBe('GENUINE');
    const old = await readNotice(first.id, resident);
    expect(old.supersededBy).toEqual({ id: correction.id });
    expect(old.verification).toMatchObject({ genuine: true, inForce: false, reason: 'SUPERSEDED' });
    expect(old.verified).toBe(false);
    const current = (await must(cluster.query(`{ community(code: "alpha") { notices { id } } }`))).community.notices.map((n: any) => n.id);
    expect(current).toContain(correction.id);
    expect(current).not.toContain(first.id);
    const all = (await must(cluster.query(`{ community(code: "alpha") { notices(current: false) { id } } }`))).community.notices.map((n: any) => n.id);
    expect(all).toEqual(expect.arrayContaining([first.id, correction.id]));
    // A notice is superseded once: correct the correction instead.
    const again = await publish({ title: '再次更正', supersedes: first.id });
    expect(codeOf(again)).toBe('INVALID_TRANSITION');
    expect(again.errors![0]!.extensions!.supersededBy).toBe(correction.id);
  });

  it('changed in the node\'s database is reported by the hub as not genuine', async () => {
    const forged = (await must(publish({ title: '解封通知', body: '本小区于12月5日解封。' }))).publishNotice;
    const localId = Number(forged.id.split(':')[2]);
    const orm = cluster.nodes.get('alpha')!.subgraphs.get('info')!.orm;
    await orm.em.fork().getConnection().execute(`update "info"."notice" set payload = jsonb_set(payload, '{body}', '"本小区于12月3日解封。"'), body = '本小区于12月3日解封。' where id = ?`, [localId]);
    const seen = await readNotice(forged.id, resident);
    expect(seen.body).toBe('本小区于12月3日解封。');
    expect(seen.verification).toMatchObject({ genuine: false, inForce: false, reason: 'BAD_SIGNATURE' });
    expect(seen.verified).toBe(false);
  });

  it('signed with a key the directory revoked is reported as such, and a rotated key keeps what it signed genuine', async () => {
    const entries = [...cluster.hub.directory.list()];
    const alphaEntry = entries.find((e) => e.code === 'alpha')!;
    const key = alphaEntry.noticeKeys[0]!;
    try {
      cluster.hub.directory.replace(entries.map((e) => (e.code === 'alpha' ? { ...e, noticeKeys: [{ ...key, validUntil: new Date().toISOString() }] } : e)));
      expect((await readNotice(first.id.replace(/\d+$/, String(Number(first.id.split(':')[2]) + 1)), resident)).verification.reason).toBe('GENUINE');
      cluster.hub.directory.replace(entries.map((e) => (e.code === 'alpha' ? { ...e, noticeKeys: [{ ...key, revokedAt: new Date(Date.now() - 1000).toISOString() }] } : e)));
      const seen = await readNotice(first.id, resident);
      expect(seen.verification).toMatchObject({ genuine: false, reason: 'REVOKED_KEY' });
      // The key is listed under another community only: it is that community's key, not alpha's.
      cluster.hub.directory.replace(entries.map((e) => (e.code === 'alpha' ? { ...e, noticeKeys: [] } : e.code === 'beta' ? { ...e, noticeKeys: [...e.noticeKeys, key] } : e)));
      expect((await readNotice(first.id, resident)).verification.reason).toBe('KEY_OF_ANOTHER_COMMUNITY');
    } finally {
      cluster.hub.directory.replace(entries);
    }
  });
});

describe('who may publish, and what', () => {
  it('refuses a resident, committee staff of another community, and anyone signed out', async () => {
    const beta = await cluster.token([{ role: 'committee', community: 'beta' }], 'notices-committee-beta');
    for (const token of [resident, beta]) {
      const refused = await publish({}, token);
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(refused.errors![0]!.extensions!.messageZh).toContain('居委会');
    }
    expect(codeOf(await cluster.query(PUBLISH, { i: { community: 'alpha', category: 'OTHER', title: 't', body: 'b' } }))).toBe('UNAUTHENTICATED');
  });

  it('refuses bad input with the argument named, and publishes nothing', async () => {
    const before = (await must(cluster.query(`{ community(code: "alpha") { notices(current: false, first: 200) { id } } }`))).community.notices.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '  ' }, 'input.title'],
      [{ body: 'x'.repeat(5001) }, 'input.body'],
      [{ validFrom: new Date(Date.now() - 3 * 86_400_000).toISOString() }, 'input.validFrom'],
      [{ validUntil: new Date(Date.now() - 60_000).toISOString() }, 'input.validUntil'],
      [{ compoundIds: ['beta:Compound:1'] }, 'input.compoundIds'],
      [{ compoundIds: ['alpha:Compound:999'] }, 'input.compoundIds'],
      [{ supersedes: 'alpha:Notice:99999' }, ''],
      [{ supersedes: 'beta:Notice:1' }, ''],
      [{ supersedes: 'not-an-id' }, 'input.supersedes'],
    ];
    for (const [input, argument] of cases) {
      const refused = await publish(input);
      if (argument === '') {
        expect(codeOf(refused)).toBe('NOT_FOUND');
        continue;
      }
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0]!.extensions).toMatchObject({ argument });
      expect(refused.errors![0]!.extensions!.messageZh).toBeTruthy();
    }
    const after = (await must(cluster.query(`{ community(code: "alpha") { notices(current: false, first: 200) { id } } }`))).community.notices.length;
    expect(after).toBe(before);
  });

  it('a retry with the same idempotency key publishes once', async () => {
    const a = (await must(publish({ title: '物资发放', category: 'SUPPLIES', idempotencyKey: 'notice-retry-0001' }))).publishNotice;
    const b = (await must(publish({ title: '物资发放', category: 'SUPPLIES', idempotencyKey: 'notice-retry-0001' }))).publishNotice;
    expect(b.id).toBe(a.id);
    expect(b.signature).toBe(a.signature);
  });
});
