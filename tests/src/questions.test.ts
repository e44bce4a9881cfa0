/**
 * The Q&A list 问答, through the hub: a resident asks for their household; everyone sees where it was asked from
 * (compound and building), only the household and information staff the full address, nobody a name; an
 * information officer answers and the wait is counted; duplicates are merged (askedCount) and questions closed with
 * a reason; the lists are ordered as residents read them. Then who may do what, and bad input, by code.
 */
import { TEST_COMMUNITIES } from '../../ops/src/seed';
import { TestCluster, type GraphQLAnswer } from './support/cluster';
import { lookUp, residentToken, type CommunityInfo, type HouseholdInfo } from './support/sub-district';
import { must, codeOf } from './support/answers';

let cluster: TestCluster;
let alpha: CommunityInfo;
let home: HouseholdInfo;
let neighbour: HouseholdInfo;
let compoundName: string;
let resident: string;
let otherResident: string;
let officer: string;
let committee: string;
let officerOfBeta: string;

const FIELDS = `id text status askedFrom address askedAt answer answeredAt answeredBy waitedMinutes askedCount closeReason mergedInto { id status } community { code }`;

function ask(text: string, token = resident, householdId = home.id) {
  return cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { ${FIELDS} } }`, { i: { householdId, text } }, token);
}

function act(mutation: 'answerQuestion' | 'closeQuestion' | 'mergeQuestion', input: Record<string, unknown>, token: string | undefined) {
  const type = { answerQuestion: 'AnswerQuestionInput', closeQuestion: 'CloseQuestionInput', mergeQuestion: 'MergeQuestionInput' }[mutation];
  return cluster.query(`mutation($i: ${type}!) { ${mutation}(input: $i) { ${FIELDS} } }`, { i: input }, token);
}

async function read(id: string, token?: string) {
  return (await must(cluster.query(`query($id: ID!) { question(id: $id) { ${FIELDS} } }`, { id }, token))).question;
}

async function list(status: string, token?: string): Promise<any[]> {
  return (await must(cluster.query(`query($s: QuestionStatus!) { community(code: "alpha") { questions(status: $s) { id text askedFrom address } } }`, { s: status }, token))).community.questions;
}

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: TEST_COMMUNITIES.filter((c) => c.code === 'alpha' || c.code === 'beta'), background: false });
  alpha = (await lookUp(cluster)).get('alpha')!;
  const compound = alpha.compounds.find((c) => c.households.length >= 2)!;
  compoundName = compound.name;
  [home, neighbour] = [compound.households[0]!, compound.households[1]!];
  resident = await residentToken(cluster, home);
  otherResident = await residentToken(cluster, neighbour);
  officer = await cluster.token([{ role: 'info_officer', community: 'alpha' }], 'questions-officer');
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'questions-committee');
  officerOfBeta = await cluster.token([{ role: 'info_officer', community: 'beta' }], 'questions-officer-beta');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a question', () => {
  let question: any;

  it('is asked by a resident for their household and shown by where it was asked from, never a name', async () => {
    question = (await must(ask('  明天的核酸在哪里做？  '))).askQuestion;
    expect(question).toMatchObject({ text: '明天的核酸在哪里做？', status: 'OPEN', address: home.address, answer: null, askedCount: 1, community: { code: 'alpha' } });
    expect(question.id).toMatch(/^alpha:Question:\d+$/);
    expect(question.askedFrom).toBe(/^\d+$/.test(home.building) ? `${compoundName} ${home.building}号楼` : `${compoundName} ${home.building}`);
    expect(question.waitedMinutes).toBe(0);
  });

  it('shows the full address to information staff and the household, only the coarse place to anyone else', async () => {
    for (const token of [officer, committee, resident]) expect((await read(question.id, token)).address).toBe(home.address);
    for (const token of [otherResident, officerOfBeta, undefined]) {
      const seen = await read(question.id, token);
      expect(seen.address).toBeNull();
      expect(seen.askedFrom).toBe(question.askedFrom);
    }
    const open = await list('OPEN', otherResident);
    const listed = open.find((q) => q.id === question.id);
    expect(listed).toEqual({ id: question.id, text: question.text, askedFrom: question.askedFrom, address: null });
  });

  it('is answered by an information officer, by role, and counts how long the household waited', async () => {
    // Asked half an hour ago: the wait runs until now while open, then stops at the answer.
    const orm = cluster.nodes.get('alpha')!.subgraphs.get('info')!.orm;
    await orm.em.fork().getConnection().execute(`update "info"."question" set asked_at = now() - interval '30 minutes' where id = ?`, [Number(question.id.split(':')[2])]);
    expect((await read(question.id)).waitedMinutes).toBe(30);
    const answered = (await must(act('answerQuestion', { questionId: question.id, answer: '明早 7 点在弄口。' }, officer))).answerQuestion;
    expect(answered).toMatchObject({ status: 'ANSWERED', answer: '明早 7 点在弄口。', answeredBy: '信息员 Information officer', waitedMinutes: 30 });
    expect((await list('ANSWERED'))[0].id).toBe(question.id);
    expect((await list('OPEN')).map((q) => q.id)).not.toContain(question.id);
    // Only an open question is answered: a second answer is refused, saying where it stands.
    const again = await act('answerQuestion', { questionId: question.id, answer: '改为 8 点。' }, committee);
    expect(codeOf(again)).toBe('INVALID_TRANSITION');
    expect(again.errors![0]!.extensions).toMatchObject({ status: 'ANSWERED', messageZh: expect.stringContaining('已回答') });
  });

  it('merges duplicates (askedCount counts them, and they follow a merged target) and closes with a reason', async () => {
    const main = (await must(ask('快递什么时候能进小区？'))).askQuestion;
    const dup = (await must(ask('快递能送进来吗？', otherResident, neighbour.id))).askQuestion;
    const dup2 = (await must(ask('快递几号恢复？', otherResident, neighbour.id))).askQuestion;
    const merged = (await must(act('mergeQuestion', { questionId: dup.id, intoId: main.id }, officer))).mergeQuestion;
    expect(merged).toMatchObject({ status: 'MERGED', mergedInto: { id: main.id, status: 'OPEN' } });
    expect((await read(main.id)).askedCount).toBe(2);
    // The open list is oldest first: the longest-waiting question on top.
    const open = (await list('OPEN')).map((q) => q.id);
    expect(open.indexOf(main.id)).toBeLessThan(open.indexOf(dup2.id));
    expect(open).not.toContain(dup.id);
    // main is merged in turn: its duplicate follows it, so no question points at a merged one.
    expect(codeOf(await act('mergeQuestion', { questionId: dup2.id, intoId: dup.id }, officer))).toBe('BAD_USER_INPUT');
    await must(act('mergeQuestion', { questionId: main.id, intoId: dup2.id }, committee));
    expect((await read(dup2.id)).askedCount).toBe(3);
    expect((await read(dup.id)).mergedInto.id).toBe(dup2.id);
    const closed = (await must(act('closeQuestion', { questionId: dup2.id, reason: '已在居委通知中说明。' }, officer))).closeQuestion;
    expect(closed).toMatchObject({ status: 'CLOSED', closeReason: '已在居委通知中说明。' });
    expect((await list('CLOSED')).map((q) => q.id)).toContain(dup2.id);
    const reclose = await act('closeQuestion', { questionId: dup2.id, reason: '重复' }, officer);
    expect(codeOf(reclose)).toBe('INVALID_TRANSITION');
    expect(reclose.errors![0]!.extensions!.status).toBe('CLOSED');
  });
});

describe('who may do what, and bad input', () => {
  let open: any;
  beforeAll(async () => {
    open = (await must(ask('药店开门吗？'))).askQuestion;
  });

  it('refuses a resident asking for another household, and anyone signed out', async () => {
    const refused = await ask('替邻居问一下', resident, neighbour.id);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0]!.extensions!.messageZh).toEqual(expect.any(String));
    const anonymous = await cluster.query(`mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`, { i: { householdId: home.id, text: '匿名提问' } });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('refuses an officer of another community and a resident answering, merging or closing', async () => {
    for (const token of [officerOfBeta, resident, otherResident]) {
      expect(codeOf(await act('answerQuestion', { questionId: open.id, answer: '开门。' }, token))).toBe('FORBIDDEN');
      expect(codeOf(await act('closeQuestion', { questionId: open.id, reason: '无关' }, token))).toBe('FORBIDDEN');
    }
    expect((await read(open.id)).status).toBe('OPEN');
  });

  it('answers bad input with BAD_USER_INPUT naming the argument', async () => {
    const cases: [GraphQLAnswer, string][] = [
      [await ask('   '), 'input.text'],
      [await ask('问'.repeat(501)), 'input.text'],
      [await act('answerQuestion', { questionId: open.id, answer: '' }, officer), 'input.answer'],
      [await act('answerQuestion', { questionId: open.id, answer: '答'.repeat(2001) }, officer), 'input.answer'],
      [await act('mergeQuestion', { questionId: open.id, intoId: open.id }, officer), 'input.intoId'],
      [await act('mergeQuestion', { questionId: open.id, intoId: 'beta:Question:1' }, officer), 'input.intoId'],
      [await act('closeQuestion', { questionId: open.id, reason: ' ' }, officer), 'input.reason'],
    ];
    for (const [answer, argument] of cases) {
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      expect(answer.errors![0]!.extensions!.argument).toBe(argument);
    }
    expect(codeOf(await cluster.query(`{ community(code: "alpha") { questions(first: 0) { id } } }`))).toBe('BAD_USER_INPUT');
  });

  it('replays a retried question with the same idempotency key, asking it once', async () => {
    const input = { householdId: home.id, text: '同一个问题问两次？', idempotencyKey: 'questions-retry-0001' };
    const doc = `mutation($i: AskQuestionInput!) { askQuestion(input: $i) { id } }`;
    const first = (await must(cluster.query(doc, { i: input }, resident))).askQuestion.id;
    const second = (await must(cluster.query(doc, { i: input }, resident))).askQuestion.id;
    expect(second).toBe(first);
    expect((await list('OPEN')).filter((q) => q.text === input.text)).toHaveLength(1);
  });
});
