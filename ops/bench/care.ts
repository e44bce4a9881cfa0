import { TestCluster } from '../src/cluster';
import { benchDatabase } from '../src/embedded-run';
import { summarize } from './stats';

interface Answer {
  data?: any;
  errors?: { message: string }[];
}

function must(answer: Answer): any {
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

const MATCH = `query($id: ID!, $t: BorrowableTaskInput!) {
  careRequest(id: $id) { candidates(first: 50) { volunteer { id displayName } distanceMetres score reasons { factor detail } } }
  borrowableVolunteers(task: $t, first: 50) { community volunteer { id displayName } distanceMetres score reasons { factor detail } }
}`;

/**
 * `npm run bench -- care [iterations]`: matching for one emergency in beta (neighbours alpha and gamma), with
 * drivers registered across the three communities: the dispatcher's one operation asks beta for its own candidates
 * and beta's neighbours for borrowable ones, through the hub. Reports latency (sequential, after a warm-up) and the
 * SQL statements each community's node sent per matching request, with 50 and with 150 drivers (constant in the
 * number of candidates). Layout: the test cluster (hub and nodes in this process, real HTTP between them) on the
 * PostgreSQL of DATABASE_URL, or on npm start's embedded one when DATABASE_URL is not set.
 */
export async function benchCare(iterations = 200): Promise<void> {
  const database = await benchDatabase();
  const adminUrl = database.adminUrl;
  const cluster = await TestCluster.start({ relayIntervalMs: 0 }, adminUrl);
  try {
    const dispatch = new Map<string, string>();
    const compounds = new Map<string, { id: string; lat: number; lng: number; households: { id: string }[] }>();
    for (const code of ['alpha', 'beta', 'gamma']) {
      dispatch.set(code, await cluster.token([{ role: 'dispatcher', community: code }], `bench-dispatch-${code}`));
      const committee = await cluster.token([{ role: 'committee', community: code }], `bench-committee-${code}`);
      const c = must(await cluster.query(`query($c: String!) { community(code: $c) { compounds { id lat lng households { id } } } }`, { c: code }, committee)).community;
      compounds.set(code, c.compounds[0]);
    }
    const home = compounds.get('beta')!;
    let registered = 0;
    /** Drivers spread in a ring of 0.2-4 km around the household, `perCommunity` in each community. */
    const register = async (perCommunity: Record<string, number>) => {
      for (const [code, n] of Object.entries(perCommunity)) {
        for (let i = 0; i < n; i += 1) {
          registered += 1;
          const angle = (registered * 137.5 * Math.PI) / 180;
          const metres = 200 + ((registered * 397) % 3800);
          const v = must(
            await cluster.query(
              `mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id } }`,
              {
                i: {
                  compoundId: compounds.get(code)!.id,
                  displayName: `测试司机${registered}`,
                  skills: ['DRIVER'],
                  vehicleSeats: 1 + (registered % 4),
                  zone: 'Z片',
                  baseLat: home.lat + (metres * Math.sin(angle)) / 111_195,
                  baseLng: home.lng + (metres * Math.cos(angle)) / (111_195 * Math.cos((home.lat * Math.PI) / 180)),
                },
              },
              dispatch.get(code),
            ),
          ).registerVolunteer.id;
          must(await cluster.query(`mutation($i: SetAvailabilityInput!) { setAvailability(input: $i) { id } }`, { i: { volunteerId: v, available: true } }, dispatch.get(code)));
        }
      }
    };
    await register({ beta: 20, alpha: 15, gamma: 15 });
    const resident = await cluster.token([{ role: 'resident', household: home.households[0]!.id }], 'bench-resident');
    const id = must(
      await cluster.query(`mutation($i: RequestCareInput!) { requestCare(input: $i) { id } }`, { i: { householdId: home.households[0]!.id, kind: 'URGENT_HELP', urgency: 'EMERGENCY', passengers: 1 } }, resident),
    ).requestCare.id as string;
    const task = must(await cluster.query(`query($id: ID!) { careRequest(id: $id) { lat lng windowStart windowEnd kind passengers wheelchair } }`, { id }, dispatch.get('beta'))).careRequest;
    const variables = { id, t: { ...task, requestId: id } };
    const token = dispatch.get('beta');
    const once = async () => must(await cluster.query(MATCH, variables, token));

    const statements = async () => {
      cluster.resetCounts();
      const answer = await once();
      const perCommunity: Record<string, number> = {};
      for (const s of cluster.sql) if (s.subgraph === 'volunteers') perCommunity[s.community] = (perCommunity[s.community] ?? 0) + 1;
      return { candidates: answer.careRequest.candidates.length + answer.borrowableVolunteers.length, perCommunity };
    };
    for (let i = 0; i < 20; i += 1) await once();
    const times: number[] = [];
    for (let i = 0; i < iterations; i += 1) {
      const began = performance.now();
      await once();
      times.push(performance.now() - began);
    }
    const at50 = await statements();
    await register({ beta: 40, alpha: 30, gamma: 30 });
    const at150 = await statements();
    console.log(`care matching: one emergency in beta; beta's candidates and its neighbours' (alpha, gamma) in one operation through the hub`);
    console.log(`layout: hub and three nodes in this process, real HTTP between them; PostgreSQL ${database.embedded ? 'embedded (npm start)' : 'of DATABASE_URL'}`);
    console.log(`latency over ${iterations} sequential requests, ${at50.candidates} candidates returned (ms):`);
    console.table({ matching: summarize(times) });
    console.log('SQL statements sent by each node per matching request (volunteers domain):');
    console.table({ [`${at50.candidates} candidates`]: at50.perCommunity, [`${at150.candidates} candidates (150 drivers)`]: at150.perCommunity });
  } finally {
    await cluster.stop();
    await database.stop();
  }
}
