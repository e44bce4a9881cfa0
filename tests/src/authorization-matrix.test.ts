/**
 * The authorization matrix: for every mutation of the supergraph and every kind of caller, what the answer must be,
 * checked through the hub. A bearer token names only a person; what they may do comes from alpha's own records
 * (memberships, delegations) and, for sub-district staff and partner apps, from the hub's grants.
 *
 * The mutations are read from schema/supergraph.graphql: a mutation without a row below (or a row for a mutation
 * that no longer exists) fails the test, naming it. How each mutation is called, against fresh state per cell, is in
 * matrix/cases.ts; who "the" household, group, shop and volunteer are, and who each caller is, in matrix/fixtures.ts.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { SUPERGRAPH_PATH } from '@lilong/schema';
import { TestCluster, type GraphQLAnswer } from './support/cluster';
import { CASES, documentOf } from './matrix/cases';
import { buildWorld, CALLERS, MATRIX_COMMUNITIES, type CallerKind, type World } from './matrix/fixtures';

type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';
const SYMBOLS: Record<string, Outcome> = { A: 'allowed', U: 'UNAUTHENTICATED', F: 'FORBIDDEN' };

/*
 * A: allowed (no UNAUTHENTICATED or FORBIDDEN error)   F: FORBIDDEN   U: UNAUTHENTICATED
 *
 * Columns (fixtures.ts): anon = no token; res = resident of the household, res2 = of another household of its
 * compound; lead = leader of the household's group, lead2 = of another group; merch = merchant of the shop, merc2 =
 * of another shop; vol = the volunteer; disp = dispatcher; info = information officer; comm = committee staff of the
 * community, comm2 = of another community; subd = sub-district staff; partn = partner app; help = helper with a
 * delegation (代办) for the household, help0 = helper whose delegation was revoked. All in alpha except comm2 (beta).
 */
const MATRIX = `
                       anon res res2 lead lead2 merch merc2 vol disp info comm comm2 subd partn help help0
  addCompound          U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  createGroup          U    A   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  registerHousehold    U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  recordCompoundSurvey U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  grantMembership      U    F   F    A    F     F     F     F   F    F    A    F     F    F     F    F
  revokeMembership     U    F   F    A    F     F     F     F   F    F    A    F     F    F     F    F
  issueHouseholdCode   U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  claimHousehold       U    A   A    A    A     A     A     A   A    A    A    A     A    A     A    A
  grantDelegation      U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  revokeDelegation     U    A   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  addProduct           U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  updateProduct        U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  addShop              U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  setStock             U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  adjustStock          U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  updateStock          U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  importStockCsv       U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  openGroupOrder       U    F   F    A    F     F     F     F   F    F    F    F     F    F     F    F
  closeGroupOrder      U    F   F    A    F     F     F     F   F    F    F    F     F    F     F    F
  confirmGroupOrder    U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  markHandedOver       U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  signUp               U    A   F    F    F     F     F     F   F    F    F    F     F    F     A    F
  withdrawSignUp       U    A   F    F    F     F     F     F   F    F    F    F     F    F     A    F
  openPool             U    F   F    A    A     A     F     F   F    F    F    F     F    F     F    F
  acceptPool           U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  declinePool          U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  joinPool             U    F   F    A    F     F     F     F   F    F    F    F     F    F     F    F
  closePool            U    F   F    F    F     A     F     F   F    F    F    F     F    F     F    F
  registerVolunteer    U    F   F    F    F     F     F     F   A    F    A    F     F    F     F    F
  setAvailability      U    F   F    F    F     F     F     A   A    F    A    F     F    F     F    F
  requestCare          U    A   F    F    F     F     F     F   A    F    A    F     F    F     A    F
  triageCareRequest    U    F   F    F    F     F     F     F   A    F    A    F     F    F     F    F
  offerCareTask        U    F   F    F    F     F     F     F   A    F    A    F     F    F     F    F
  respondToCareOffer   U    F   F    F    F     F     F     A   F    F    F    F     F    F     F    F
  startCareTask        U    F   F    F    F     F     F     A   F    F    F    F     F    F     F    F
  tickProtocolStep     U    F   F    F    F     F     F     A   F    F    F    F     F    F     F    F
  finishCareTask       U    F   F    F    F     F     F     A   A    F    A    F     F    F     F    F
  cancelCareRequest    U    A   F    F    F     F     F     F   A    F    A    F     F    F     A    F
  setCareProtocol      U    F   F    F    F     F     F     F   A    F    A    F     F    F     F    F
  setCompoundZone      U    F   F    F    F     F     F     F   A    F    A    F     F    F     F    F
  startCareSeries      U    A   F    F    F     F     F     F   A    F    A    F     F    F     A    F
  stopCareSeries       U    A   F    F    F     F     F     F   A    F    A    F     F    F     A    F
  addShift             U    F   F    F    F     F     F     A   A    F    A    F     F    F     F    F
  removeShift          U    F   F    F    F     F     F     A   A    F    A    F     F    F     F    F
  publishNotice        U    F   F    F    F     F     F     F   F    F    A    F     F    F     F    F
  askQuestion          U    A   F    F    F     F     F     F   F    F    F    F     F    F     A    F
  answerQuestion       U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  mergeQuestion        U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  closeQuestion        U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  setDigestInterval    U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  draftDigest          U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  updateDigestDraft    U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  publishDigest        U    F   F    F    F     F     F     F   F    A    A    F     F    F     F    F
  registerWebhook      U    F   F    F    F     F     F     F   F    F    F    F     F    A     F    F
  pauseWebhook         U    F   F    F    F     F     F     F   F    F    A    F     F    A     F    F
  resumeWebhook        U    F   F    F    F     F     F     F   F    F    A    F     F    A     F    F
  replayWebhook        U    F   F    F    F     F     F     F   F    F    F    F     F    A     F    F
  rotateWebhookSecret  U    F   F    F    F     F     F     F   F    F    F    F     F    A     F    F
  removeWebhook        U    F   F    F    F     F     F     F   F    F    F    F     F    A     F    F
`;
// openPool, lead2: a group leader of any community may propose a pool at any shop; the merchant then accepts or declines it.
// claimHousehold: anyone signed in who holds a household's one-time code (from its door notice) may claim it, a
//   partner app's token included (it names a person; the code is the household's secret, not a role).
// createGroup, res: a resident starting a group with their own household as leader becomes its LEADER
//   (tests/src/memberships.test.ts follows them opening the new group's first order).
// requestCare, startCareSeries, cancelCareRequest, stopCareSeries, help: A, because the helper's delegation has the
//   CARE_REQUESTS scope besides GROUP_ORDERS (fixtures.ts, delegate); a delegation for GROUP_ORDERS alone would be F
//   (care.access.ts, actsForHousehold asks for care_requests). help0's delegation is revoked: F.
// Care, disp and comm: "dispatch" is the community's dispatchers and committee staff (access.ts, isDispatchOf); info
//   (the information officer) is not dispatch: F on every care mutation. subd: sub-district staff may read the care
//   queue and figures (careQueue, careFigures) but change nothing: F. vol: a volunteer is not the household: F on
//   asking for care, and F on triage and offers (dispatch's work).
// respondToCareOffer, startCareTask, tickProtocolStep, disp and comm: F. Only the volunteer the task is offered or
//   assigned to may answer the offer, get under way and tick the protocol (care.access.ts, requireAssignedVolunteer):
//   dispatch cannot do it on their behalf. Each cell's task is offered to (or accepted by) "the" volunteer.
// finishCareTask, disp and comm: A, for outcome FAILED (as called here: dispatch records a failure the volunteer
//   reported by phone). Marking a task DONE is the assigned volunteer's alone (care.service.ts, finishCareTask).
// addShift, removeShift, vol: A: a volunteer keeps their own shifts (access.ts, requireSelfOrDispatch).
// recordCompoundSurvey, info and subd: F. Information officers and sub-district staff read the coverage report
//   (Community.coverage, kit's watchesOver) but the surveys are the committee's own record of where it looked.
// publishNotice: the committee's alone (info/access.ts, requireCommittee); info (the information officer) publishes
//   digests and answers questions, never a signed committee notice: F. comm2 is the committee of another community.
// askQuestion: only a resident of the household, or a helper the committee recorded for it (any delegation: asking a
//   question is no errand), asks for it (info/question/question.service.ts, askingAs); staff ask for no household: F.
// answerQuestion ... publishDigest: the community's information officers and committee staff (info/access.ts,
//   requireInformationStaff); sub-district staff watch but do not answer or publish: F.
// registerWebhook ... removeWebhook: a partner app's own endpoints (webhooks/access.ts). Only a partner app (the hub's
//   partner grant) registers, replays, rotates and removes; the community's committee staff (comm) may also pause and
//   resume any endpoint of the community (an endpoint the committee paused only the committee resumes). Everyone
//   else, sub-district staff and another community's committee included: F. The partner column is the endpoints'
//   own app, as the endpoints of cases.ts are registered with its token.

/** The matrix as rows: each mutation's expected outcome per caller kind. Malformed rows throw, naming the line. */
function readMatrix(text: string): Map<string, Record<CallerKind, Outcome>> {
  const lines = text.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter((l) => l !== '');
  const header = lines[0]!.split(/\s+/);
  if (header.length !== CALLERS.length) throw new Error(`matrix header has ${header.length} columns, not one per caller kind (${CALLERS.length})`);
  const rows = new Map<string, Record<CallerKind, Outcome>>();
  for (const line of lines.slice(1)) {
    const [mutation, ...cells] = line.split(/\s+/);
    if (cells.length !== CALLERS.length) throw new Error(`matrix row "${mutation}" has ${cells.length} cells, not ${CALLERS.length}`);
    if (rows.has(mutation!)) throw new Error(`matrix row "${mutation}" appears twice`);
    const row = {} as Record<CallerKind, Outcome>;
    cells.forEach((cell, i) => {
      const outcome = SYMBOLS[cell];
      if (!outcome) throw new Error(`matrix row "${mutation}", column ${header[i]}: "${cell}" is not A, F or U`);
      row[CALLERS[i]!] = outcome;
    });
    rows.set(mutation!, row);
  }
  return rows;
}

/** The Mutation fields of the committed supergraph. */
function schemaMutations(): string[] {
  const document = parse(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  const fields: string[] = [];
  for (const definition of document.definitions) {
    if ((definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) && definition.name.value === 'Mutation') {
      fields.push(...(definition.fields ?? []).map((f) => f.name.value));
    }
  }
  return fields;
}

interface Cell {
  mutation: string;
  caller: CallerKind;
  expected: Outcome;
  got?: Outcome;
  /** The error the answer had, if any (a refusal's code, or a business error of an allowed call). */
  error?: { code: string; message: string };
}

/** Codes that say the call itself was malformed or broke: never an authorization outcome, always a mismatch. */
const BROKEN = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'INTERNAL_SERVER_ERROR', 'SETUP_FAILED', 'NO_CODE']);

function outcomeOf(answer: GraphQLAnswer): Pick<Cell, 'got' | 'error'> {
  const errors = answer.errors ?? [];
  const refusal = errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN') ?? errors[0];
  if (!refusal) return { got: 'allowed' };
  const code = String(refusal.extensions?.code ?? 'NO_CODE');
  const error = { code, message: refusal.message };
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return { got: code, error };
  return BROKEN.has(code) ? { error } : { got: 'allowed', error };
}

async function runCell(w: World, cell: Cell): Promise<void> {
  const c = CASES[cell.mutation]!;
  let input: Record<string, unknown>;
  try {
    input = await c.input(w);
  } catch (error) {
    cell.error = { code: 'SETUP_FAILED', message: (error as Error).message };
    return;
  }
  Object.assign(cell, outcomeOf(await w.cluster.query(documentOf(cell.mutation, c), { i: input }, w.tokens[cell.caller])));
}

/** Runs the cells `width` at a time, in order. */
async function inParallel(w: World, cells: Cell[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cells.length) await runCell(w, cells[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

let cluster: TestCluster;
let world: World;
const mutations = schemaMutations();
const matrix = readMatrix(MATRIX);

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: MATRIX_COMMUNITIES, background: false });
  world = await buildWorld(cluster);
}, 60_000);

afterAll(() => cluster?.stop());

it('has a row in the matrix and a way to call it for every mutation of the supergraph, and nothing else', () => {
  const problems = [
    ...mutations.filter((m) => !matrix.has(m)).map((m) => `mutation ${m} has no row in the authorization matrix: say what every kind of caller gets`),
    ...mutations.filter((m) => !CASES[m]).map((m) => `mutation ${m} has no case in matrix/cases.ts: say how to call it`),
    ...[...matrix.keys()].filter((m) => !mutations.includes(m)).map((m) => `the matrix has a row for ${m}, which is not a mutation of the supergraph`),
    ...Object.keys(CASES).filter((m) => !mutations.includes(m)).map((m) => `matrix/cases.ts has a case for ${m}, which is not a mutation of the supergraph`),
  ];
  expect(problems).toEqual([]);
  expect(mutations.length).toBeGreaterThan(0);
});

it('answers every mutation x caller cell as the matrix says, through the hub', async () => {
  const checked = mutations.filter((m) => matrix.has(m) && CASES[m]);
  const cellsOf = (list: string[]) => list.flatMap((mutation) => CALLERS.map((caller): Cell => ({ mutation, caller, expected: matrix.get(mutation)![caller] })));
  const first = cellsOf(checked.filter((m) => !CASES[m]!.last && !CASES[m]!.serial));
  const firstSerial = cellsOf(checked.filter((m) => !CASES[m]!.last && CASES[m]!.serial));
  const last = cellsOf(checked.filter((m) => CASES[m]!.last && !CASES[m]!.serial));
  const lastSerial = cellsOf(checked.filter((m) => CASES[m]!.last && CASES[m]!.serial));
  const started = Date.now();
  await inParallel(world, first, 4);
  await inParallel(world, firstSerial, 1);
  await inParallel(world, last, 4);
  await inParallel(world, lastSerial, 1);
  const cells = [...first, ...firstSerial, ...last, ...lastSerial];

  const done = cells.filter((c) => c.got !== undefined);
  const count = (o: Outcome) => done.filter((c) => c.got === o).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const businessErrors = done.filter((c) => c.got === 'allowed' && c.error).map((c) => `  ${c.mutation} x ${c.caller}: ${c.error!.code} ${c.error!.message}`);
  console.log(
    [
      `authorization matrix: ${mutations.length} mutations x ${CALLERS.length} callers = ${done.length} cells checked, ${count('allowed')} allowed, ${count('FORBIDDEN')} forbidden, ${count('UNAUTHENTICATED')} unauthenticated (${seconds} s)`,
      ...(businessErrors.length ? ['allowed, with a business error from the state:', ...businessErrors] : []),
    ].join('\n'),
  );

  const mismatches = cells
    .filter((c) => c.got !== c.expected)
    .map((c) => `  ${c.mutation} x ${c.caller}: expected ${c.expected}, got ${c.got ?? 'no answer'}${c.error ? ` (${c.error.code}: ${c.error.message})` : ''}`);
  expect(mismatches.length === 0 ? 'every cell as expected' : `${mismatches.length} cells differ from the matrix:\n${mismatches.join('\n')}`).toBe('every cell as expected');
  expect(done.length).toBe(mutations.length * CALLERS.length);
}, 120_000);
