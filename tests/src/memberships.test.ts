/**
 * Who may do what comes from the community's own records: memberships the committee grants, household codes,
 * delegations (代办), and roles of other communities as their own nodes tell the hub. Through the hub, real HTTP.
 */
import { TestCluster, type GraphQLAnswer } from './support/cluster';
import { eventually, inSeconds, lookUp, type CommunityInfo, type GroupInfo, type HouseholdInfo } from './support/sub-district';

let cluster: TestCluster;
let alpha: CommunityInfo;
let beta: CommunityInfo;
let group: GroupInfo;
/** alpha-lane 1-201: lives in the group's compound, leads nothing. */
let neighbour: HouseholdInfo;
let committee: string;

const codeOf = (answer: GraphQLAnswer) => answer.errors?.[0]?.extensions?.code;

async function must<T = any>(answer: Promise<GraphQLAnswer<T>>): Promise<T> {
  const a = await answer;
  if (a.errors) throw new Error(JSON.stringify(a.errors));
  return a.data!;
}

async function openOrder(leaderToken: string, groupId: string, shopId: string, productId: string): Promise<string> {
  const data = await must(
    cluster.query(
      `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
      { i: { shopId, groupId, title: '大米团购', deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds: [productId] } },
      leaderToken,
    ),
  );
  return data.openGroupOrder.id;
}

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { id address } }`;
const WITHDRAW = `mutation($i: WithdrawSignUpInput!) { withdrawSignUp(input: $i) { id } }`;

beforeAll(async () => {
  cluster = await TestCluster.start({ communities: undefined, background: false });
  const ids = await lookUp(cluster);
  alpha = ids.get('alpha')!;
  beta = ids.get('beta')!;
  group = alpha.groups[0]!;
  neighbour = alpha.compounds.find((c) => c.id === group.compoundId)!.households.find((h) => h.id !== group.leaderHouseholdId)!;
  committee = await cluster.token([{ role: 'committee', community: 'alpha' }], 'alpha-committee');
}, 60_000);

afterAll(() => cluster?.stop());

describe('roles come from the community records, not from the token', () => {
  it('refuses a person who is not the group’s leader, whatever roles their token claims', async () => {
    const shop = alpha.shops[0]!;
    // A resident of another household of the compound, whose identity provider also claims she leads the group.
    await cluster.person([{ role: 'resident', household: neighbour.id }], 'claims-to-lead');
    const forged = await cluster.idp.mint('claims-to-lead', {
      claims: { roles: [{ role: 'leader', group: group.id, household: neighbour.id, compound: group.compoundId }] },
    });
    const answer = await cluster.query(
      `mutation($i: OpenGroupOrderInput!) { openGroupOrder(input: $i) { id } }`,
      { i: { shopId: shop.id, groupId: group.id, title: 't', deadline: inSeconds(600), minimumKind: 'HOUSEHOLDS', minimum: 1, handOut: 'DELIVERY_TO_GATE', productIds: [shop.products[0]!.id] } },
      forged,
    );
    expect(codeOf(answer)).toBe('FORBIDDEN');
    expect(answer.errors![0]!.extensions!.messageZh).toMatch(/团长/);
  });

  it('signs a household up at its registered address, never one the token claims, and refuses another household', async () => {
    const leader = await cluster.token([{ role: 'leader', group: group.id }, { role: 'resident', household: group.leaderHouseholdId }], 'alpha-leader');
    const product = alpha.shops[0]!.products[0]!.id;
    const orderId = await openOrder(leader, group.id, alpha.shops[0]!.id, product);
    await cluster.person([{ role: 'resident', household: neighbour.id }], 'neighbour');
    const claimsAddress = await cluster.idp.mint('neighbour', { claims: { address: '3-1-201', building: '3' } });
    const signed = await must(cluster.query(SIGN_UP, { i: { orderId, householdId: neighbour.id, lines: [{ productId: product, quantity: 1 }] } }, claimsAddress));
    expect(signed.signUp).toMatchObject({ address: neighbour.address });

    const other = await cluster.query(SIGN_UP, { i: { orderId, householdId: group.leaderHouseholdId, lines: [{ productId: product, quantity: 1 }] } }, claimsAddress);
    expect(codeOf(other)).toBe('FORBIDDEN');

    // The leader's list (the hand-out list follows it once the order forms) shows the registered address only.
    const list = await must(cluster.query(`query($id: ID!) { groupOrder(id: $id) { signUps { address household { id } } } }`, { id: orderId }, leader));
    expect(list.groupOrder.signUps).toEqual([{ address: neighbour.address, household: { id: neighbour.id } }]);
  });

  it('takes the roles of another community from that community’s node: a beta group orders at an alpha shop', async () => {
    const betaGroup = beta.groups[0]!;
    const betaLeader = await cluster.token([{ role: 'leader', group: betaGroup.id }, { role: 'resident', household: betaGroup.leaderHouseholdId }], 'beta-leader');
    const product = alpha.shops[0]!.products[1]!.id;
    const orderId = await openOrder(betaLeader, betaGroup.id, alpha.shops[0]!.id, product);
    const home = beta.compounds.flatMap((c) => c.households).find((h) => h.compoundId === betaGroup.compoundId && h.id !== betaGroup.leaderHouseholdId)!;
    const resident = await cluster.token([{ role: 'resident', household: home.id }], 'beta-resident');
    const signed = await must(cluster.query(SIGN_UP, { i: { orderId, householdId: home.id, lines: [{ productId: product, quantity: 1 }] } }, resident));
    expect(signed.signUp.address).toBe(home.address);
    // Alpha's records say nothing of this person: the same sign-up by a stranger is refused.
    const stranger = await cluster.token([], 'stranger');
    expect(codeOf(await cluster.query(SIGN_UP, { i: { orderId, householdId: home.id, lines: [{ productId: product, quantity: 2 }] } }, stranger))).toBe('FORBIDDEN');
  });

  it('ignores a role the hub forwards for the node’s own community: only its own records count there', async () => {
    const identity = { issuer: 'lilong-test-idp', subject: 'forwarded-committee' };
    const query = `mutation($i: AddCompoundInput!) { addCompound(input: $i) { id } }`;
    const variables = { i: { community: 'alpha', name: '新小区', kind: 'COMMODITY_HOUSING', address: '甲路 1 号', lat: 31.2, lng: 121.42 } };
    const send = async (roles: any[]) => {
      const response = await fetch(`${cluster.nodeUrl('alpha')}/groups/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lilong-assertion': await cluster.rawAssertion('alpha', 'groups', { identity, grants: [], roles }) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLAnswer;
    };
    expect(codeOf(await send([{ role: 'committee', community: 'alpha' }]))).toBe('FORBIDDEN');
  });
});

describe('memberships through the API', () => {
  it('lets a person claim a household with the one-time code from the door notice, once', async () => {
    const household = alpha.compounds[1]!.households[1]!;
    const issued = await must(cluster.query(`mutation($i: IssueHouseholdCodeInput!) { issueHouseholdCode(input: $i) { code expiresAt household { address } } }`, { i: { householdId: household.id } }, committee));
    expect(issued.issueHouseholdCode.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const person = await cluster.token([], 'new-tenant');
    const typed = issued.issueHouseholdCode.code.toLowerCase().replace('-', ' ');
    const claimed = await must(cluster.query(`mutation($i: ClaimHouseholdInput!) { claimHousehold(input: $i) { kind household { id address } person { subject } } }`, { i: { community: 'alpha', code: typed } }, person));
    expect(claimed.claimHousehold).toEqual({ kind: 'RESIDENT', household: { id: household.id, address: household.address }, person: { subject: 'new-tenant' } });
    const roles = await must(cluster.query(`query { myRoles(community: "alpha") { person { issuer subject } memberships { kind household { address } } } }`, {}, person));
    expect(roles.myRoles).toEqual({ person: { issuer: 'lilong-test-idp', subject: 'new-tenant' }, memberships: [{ kind: 'RESIDENT', household: { address: household.address } }] });

    const again = await cluster.query(`mutation($i: ClaimHouseholdInput!) { claimHousehold(input: $i) { kind } }`, { i: { community: 'alpha', code: typed } }, await cluster.token([], 'someone-else'));
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0]!.extensions!.messageZh).toMatch(/认领码/);
  });

  it('refuses household codes to anyone but that community’s committee', async () => {
    const household = alpha.compounds[1]!.households[0]!;
    for (const token of [await cluster.token([{ role: 'committee', community: 'beta' }], 'beta-committee'), await cluster.token([{ role: 'resident', household: household.id }], 'the-resident')]) {
      const answer = await cluster.query(`mutation($i: IssueHouseholdCodeInput!) { issueHouseholdCode(input: $i) { code } }`, { i: { householdId: household.id } }, token);
      expect(codeOf(answer)).toBe('FORBIDDEN');
    }
  });

  it('grants and revokes a merchant, audited, and the revocation holds from the next request', async () => {
    const shop = alpha.shops[1]!;
    const person = { issuer: 'lilong-test-idp', subject: 'new-pharmacist' };
    const token = await cluster.idp.mint(person.subject);
    const adjust = () => cluster.query(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { id } }`, { i: { productId: shop.products[0]!.id, delta: 1, reason: '到货' } }, token);
    expect(codeOf(await adjust())).toBe('FORBIDDEN');
    const granted = await must(cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id kind shopId grantedBy active } }`, { i: { community: 'alpha', person, kind: 'MERCHANT', shopId: shop.id, note: '新店员' } }, committee));
    expect(granted.grantMembership).toMatchObject({ kind: 'MERCHANT', shopId: shop.id, active: true, grantedBy: 'lilong-test-idp#alpha-committee' });
    expect((await adjust()).errors).toBeUndefined();
    await must(cluster.query(`mutation($i: RevokeMembershipInput!) { revokeMembership(input: $i) { active revokedBy } }`, { i: { membershipId: granted.grantMembership.id } }, committee));
    expect(codeOf(await adjust())).toBe('FORBIDDEN');
    const audit = await must(cluster.query(`query { community(code: "alpha") { memberships { id kind grantedBy revokedBy revokedAt person { subject } } } }`, {}, committee));
    expect(audit.community.memberships.find((m: any) => m.id === granted.grantMembership.id)).toMatchObject({
      kind: 'MERCHANT', grantedBy: 'lilong-test-idp#alpha-committee', revokedBy: 'lilong-test-idp#alpha-committee', person: { subject: 'new-pharmacist' },
    });
  });

  it('refuses grants by another community’s committee and by people without the right', async () => {
    const person = { issuer: 'lilong-test-idp', subject: 'would-be-staff' };
    const grant = (token: string) => cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`, { i: { community: 'alpha', person, kind: 'COMMITTEE' } }, token);
    expect(codeOf(await grant(await cluster.token([{ role: 'committee', community: 'beta' }], 'beta-committee')))).toBe('FORBIDDEN');
    expect(codeOf(await grant(await cluster.token([{ role: 'leader', group: group.id }], 'alpha-leader')))).toBe('FORBIDDEN');
    expect(codeOf(await grant(await cluster.token([], 'anyone')))).toBe('FORBIDDEN');
    const anonymous = await cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`, { i: { community: 'alpha', person, kind: 'COMMITTEE' } });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('makes a resident who starts a group its leader, and lets the committee name another person', async () => {
    const compound = alpha.compounds.find((c) => c.id !== group.compoundId)!;
    const home = compound.households[0]!;
    const starter = await cluster.token([{ role: 'resident', household: home.id }], 'group-starter');
    const created = await must(cluster.query(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`, { i: { compoundId: compound.id, name: '甲苑互助群', leaderHouseholdId: home.id } }, starter));
    const roles = await must(cluster.query(`query { myRoles(community: "alpha") { memberships { kind group { id } } } }`, {}, starter));
    expect(roles.myRoles.memberships).toContainEqual({ kind: 'LEADER', group: { id: created.createGroup.id } });
    await openOrder(starter, created.createGroup.id, alpha.shops[1]!.id, alpha.shops[1]!.products[0]!.id);

    const named = { issuer: 'lilong-test-idp', subject: 'named-leader' };
    const byStaff = await must(cluster.query(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`, { i: { compoundId: compound.id, name: '甲苑二群', leaderHouseholdId: compound.households[1]!.id, leader: named } }, committee));
    await openOrder(await cluster.idp.mint(named.subject), byStaff.createGroup.id, alpha.shops[1]!.id, alpha.shops[1]!.products[1]!.id);
    const notStaff = await cluster.query(`mutation($i: CreateGroupInput!) { createGroup(input: $i) { id } }`, { i: { compoundId: compound.id, name: '甲苑三群', leaderHouseholdId: home.id, leader: named } }, starter);
    expect(codeOf(notStaff)).toBe('FORBIDDEN');
  });

  it('lets a leader appoint a deputy, who runs orders but appoints nobody', async () => {
    const leader = await cluster.token([{ role: 'leader', group: group.id }], 'alpha-leader');
    const deputy = { issuer: 'lilong-test-idp', subject: 'deputy' };
    await must(cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`, { i: { community: 'alpha', person: deputy, kind: 'DEPUTY', groupId: group.id } }, leader));
    const deputyToken = await cluster.idp.mint(deputy.subject);
    await openOrder(deputyToken, group.id, alpha.shops[0]!.id, alpha.shops[0]!.products[2]!.id);
    const appoint = await cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`, { i: { community: 'alpha', person: { issuer: 'lilong-test-idp', subject: 'deputy-2' }, kind: 'DEPUTY', groupId: group.id } }, deputyToken);
    expect(codeOf(appoint)).toBe('FORBIDDEN');
  });
});

describe('acting for a household (代办)', () => {
  it('lets a helper sign up an offline household, shows it to the committee and the household, and stops at revocation', async () => {
    const helper = { issuer: 'lilong-test-idp', subject: 'helper-wang' };
    const helperToken = await cluster.idp.mint(helper.subject);
    const leader = await cluster.token([{ role: 'leader', group: group.id }], 'alpha-leader');
    const product = alpha.shops[0]!.products[0]!.id;
    const orderId = await openOrder(leader, group.id, alpha.shops[0]!.id, product);
    const signUp = (quantity: number) => cluster.query(SIGN_UP, { i: { orderId, householdId: neighbour.id, lines: [{ productId: product, quantity }] } }, helperToken);

    expect(codeOf(await signUp(1))).toBe('FORBIDDEN');
    const delegation = await must(
      cluster.query(
        `mutation($i: GrantDelegationInput!) { grantDelegation(input: $i) { id active scopes household { address } } }`,
        { i: { householdId: neighbour.id, helper, scopes: ['GROUP_ORDERS'], consent: '王阿姨电话同意', validUntil: inSeconds(86_400) } },
        committee,
      ),
    );
    expect(delegation.grantDelegation).toMatchObject({ active: true, scopes: ['GROUP_ORDERS'], household: { address: neighbour.address } });
    const signed = await must(signUp(2));
    expect(signed.signUp.address).toBe(neighbour.address);

    const seen = await must(
      cluster.query(`query { community(code: "alpha") { delegations { id helper { subject } helperActions { kind address by label order { id } } } } }`, {}, committee),
    );
    const listed = seen.community.delegations.find((d: any) => d.id === delegation.grantDelegation.id);
    expect(listed.helperActions).toEqual([{ kind: 'SIGNED_UP', address: neighbour.address, by: 'lilong-test-idp#helper-wang', label: `由代办人代为报名：${neighbour.address} (signed up by a helper for ${neighbour.address})`, order: { id: orderId } }]);
    const resident = await cluster.token([{ role: 'resident', household: neighbour.id }], 'neighbour');
    const own = await must(cluster.query(`query($id: ID!) { household(id: $id) { helperActions { kind by } delegations { helper { subject } active } } }`, { id: neighbour.id }, resident));
    expect(own.household.helperActions).toEqual([{ kind: 'SIGNED_UP', by: 'lilong-test-idp#helper-wang' }]);
    expect(own.household.delegations).toContainEqual({ helper: { subject: 'helper-wang' }, active: true });

    await must(cluster.query(`mutation($i: RevokeDelegationInput!) { revokeDelegation(input: $i) { active } }`, { i: { delegationId: delegation.grantDelegation.id } }, committee));
    const after = await cluster.query(WITHDRAW, { i: { orderId, householdId: neighbour.id } }, helperToken);
    expect(codeOf(after)).toBe('FORBIDDEN');
    // A delegation for care requests only never covers group orders.
    await must(
      cluster.query(
        `mutation($i: GrantDelegationInput!) { grantDelegation(input: $i) { id } }`,
        { i: { householdId: neighbour.id, helper, scopes: ['CARE_REQUESTS'], consent: '同意', validUntil: inSeconds(86_400) } },
        committee,
      ),
    );
    expect(codeOf(await signUp(1))).toBe('FORBIDDEN');
  });
});

describe('where the hub asks for roles', () => {
  it('asks every community once, then only those with records of the person, and every one again after a grant', async () => {
    const token = await cluster.token([{ role: 'committee', community: 'alpha' }], 'census');
    const asked = async (query: string, variables: Record<string, unknown> = {}) => {
      cluster.hub.links.accessAsked.clear();
      const answer = await cluster.query(query, variables, token);
      return { answer, asked: Object.fromEntries(cluster.hub.links.accessAsked) };
    };
    const overview = `{ communities { code compounds { name } } }`;
    expect((await asked(overview)).asked).toEqual({ alpha: 1, beta: 1, gamma: 1 });
    expect((await asked(overview)).asked).toEqual({ alpha: 1 });
    // Beta's committee grants the person a role there, through the hub: at once they are asked of beta too.
    const betaCommittee = await cluster.token([{ role: 'committee', community: 'beta' }], 'beta-committee');
    await must(cluster.query(`mutation($i: GrantMembershipInput!) { grantMembership(input: $i) { id } }`, { i: { community: 'beta', person: { issuer: 'lilong-test-idp', subject: 'census' }, kind: 'INFO_OFFICER' } }, betaCommittee));
    const after = await asked(`{ myRoles(community: "beta") { memberships { kind } } }`);
    expect(after.asked).toEqual({ alpha: 1, beta: 1, gamma: 1 });
    expect(after.answer.data.myRoles.memberships).toEqual([{ kind: 'INFO_OFFICER' }]);
    expect((await asked(overview)).asked).toEqual({ alpha: 1, beta: 1 });
  });
});

describe('where the hub asks for roles while a community is down', () => {
  it('remembers the census of those that answered: the next request asks the homes and the one that did not, and the others once it answers', async () => {
    const token = await cluster.token([{ role: 'committee', community: 'alpha' }], 'census-partial');
    const asked = async () => {
      cluster.hub.links.accessAsked.clear();
      await cluster.query(`{ communities { code compounds { name } } }`, {}, token);
      return Object.fromEntries(cluster.hub.links.accessAsked);
    };
    await cluster.stopNode('gamma');
    try {
      expect(await asked()).toEqual({ alpha: 1, beta: 1, gamma: 1 });
      // Not a census again: alpha holds the records, gamma did not answer; beta answered that it has none.
      expect(await asked()).toEqual({ alpha: 1, gamma: 1 });
      expect(await asked()).toEqual({ alpha: 1, gamma: 1 });
    } finally {
      await cluster.restartNode('gamma');
    }
    // Gamma answers again (that it has no records of them): from then on only the home is asked.
    expect(await eventually(asked, (counts) => counts.gamma === undefined, 15_000)).toEqual({ alpha: 1 });
    expect(await asked()).toEqual({ alpha: 1 });
  });
});

describe('identity is issuer and subject', () => {
  it('refuses an idempotency key another caller already used, instead of answering with their record', async () => {
    const key = `shared-key-${Date.now()}`;
    const add = (token: string) =>
      cluster.query(`mutation($i: AddCompoundInput!) { addCompound(input: $i) { id name } }`, { i: { community: 'alpha', name: `小区${key}`, kind: 'COMMODITY_HOUSING', address: '甲路 9 号', lat: 31.2, lng: 121.42, idempotencyKey: key } }, token);
    const first = await must(add(committee));
    const other = await cluster.token([{ role: 'committee', community: 'alpha' }], 'alpha-committee-2');
    const replay = await add(other);
    expect(codeOf(replay)).toBe('CONFLICT');
    expect(replay.errors![0]!.extensions!.reason).toBe('KEY_OF_ANOTHER_CALLER');
    expect(JSON.stringify(replay)).not.toContain(first.addCompound.id);
    expect((await must(add(committee))).addCompound).toEqual(first.addCompound);
  });
});
