/**
 * The parts of `npm run bench -- hundred` that decide what its figures mean: the generated sub-district (the seed's
 * own rules accept it, neighbours come from the grid), the options, the least-squares fit of hub CPU against fetches,
 * and how the load generator tells complete, partial and failed answers apart.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Skill } from '@lilong/volunteers';
import { gridNeighbours, MAX_SIMULATED, simulatedCommunity, simulatedSubDistrict, STAPLE_TERMS } from '../communities';
import { closedLoop } from '../load';
import { OptionsError, parseHundredOptions } from '../options';
import { linearFit } from '../report';

describe('the simulated sub-district', () => {
  const all = simulatedSubDistrict(MAX_SIMULATED);

  it('is sim-001 to sim-100, the same on every call, and passes the seed data rules', () => {
    expect(all.map((c) => c.code)).toEqual(Array.from({ length: 100 }, (_, i) => `sim-${String(i + 1).padStart(3, '0')}`));
    expect(simulatedSubDistrict(MAX_SIMULATED)).toEqual(all);
    expect(() => simulatedSubDistrict(101)).toThrow(RangeError);
  });

  it('gives each community its grid neighbours (left, right, below, above), symmetric, and only those in the directory', () => {
    expect(all[0]!.neighbours).toEqual(['sim-002', 'sim-011']);
    expect(all[55]!.neighbours).toEqual(['sim-046', 'sim-055', 'sim-057', 'sim-066']);
    expect(all[99]!.neighbours).toEqual(['sim-090', 'sim-099']);
    for (const c of all) for (const n of c.neighbours) expect(all.find((o) => o.code === n)!.neighbours).toContain(c.code);
    // The first ten are one row of the grid: left and right only.
    expect(simulatedSubDistrict(10).map((c) => c.neighbours.length)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
    expect(gridNeighbours(14, 30)).toEqual(['sim-005', 'sim-014', 'sim-016', 'sim-025']);
  });

  it('places neighbours closer to each other than to communities further along the grid', () => {
    const [a, b, far] = [all[0]!, all[1]!, all[9]!];
    expect(Math.hypot(b.lat - a.lat, b.lng - a.lng)).toBeLessThan(Math.hypot(far.lat - a.lat, far.lng - a.lng));
  });

  it('stocks every search term in every community and has a volunteer who can pick up medicine now', () => {
    for (const c of all) {
      for (const term of STAPLE_TERMS) expect(c.shops.some((s) => s.products.some((p) => p.name.includes(term) && p.onHand > 0))).toBe(true);
      expect(c.volunteers.some((v) => v.available && v.skills.includes(Skill.MEDICINE_PICKUP))).toBe(true);
    }
    // Prices differ between communities, so the sub-district search has something to sort.
    expect(new Set(all.map((c) => c.shops[0]!.products[0]!.priceFen)).size).toBeGreaterThan(10);
    expect(simulatedCommunity(41)).toEqual(all[41]);
  });
});

describe('bench options', () => {
  it('defaults to 10, 30 and 100 communities, 10 s, 8 in flight, 10 nodes per process', () => {
    expect(parseHundredOptions([])).toEqual({ communities: [10, 30, 100], durationS: 10, concurrency: 8, perProcess: 10, poolSize: 2, keep: false, help: false });
    expect(parseHundredOptions(['--communities', '5,20', '--duration=3', '--keep', '--json', 'out.json', '--per-process', '4'])).toMatchObject({
      communities: [5, 20],
      durationS: 3,
      keep: true,
      json: 'out.json',
      perProcess: 4,
    });
  });

  it.each([
    [['--communities', '30,10'], /ascending/],
    [['--communities', '0'], /--communities must be a whole number 1-100/],
    [['--communities', '101'], /1-100/],
    [['--duration', 'x'], /--duration must be a whole number/],
    [['--pool-size', '1'], /--pool-size must be a whole number 2-20/],
    [['--json'], /--json needs a file name/],
    [['--fast'], /unknown option "--fast"/],
  ])('refuses %j, saying why', (args, message) => {
    expect(() => parseHundredOptions(args)).toThrow(OptionsError);
    expect(() => parseHundredOptions(args)).toThrow(message);
  });
});

describe('linearFit', () => {
  it('gives the cost of one more community fetch as the slope', () => {
    const fit = linearFit([10, 30, 100].map((x) => ({ x, y: 2 + 0.25 * x })))!;
    expect(fit.slope).toBeCloseTo(0.25);
    expect(fit.intercept).toBeCloseTo(2);
    expect(linearFit([{ x: 1, y: 1 }])).toBeUndefined();
  });
});

describe('closedLoop', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Answers by the request's `kind`: complete, partial (a community unavailable), failed, or not JSON at all.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const kind = (JSON.parse(body) as { variables: { kind: string } }).variables.kind;
        const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (kind === 'complete') json(200, { data: { list: [1] } });
        else if (kind === 'empty') json(200, { data: { list: [] } });
        else if (kind === 'partial') json(200, { data: { list: [1] }, errors: [{ message: 'down', extensions: { code: 'COMMUNITY_UNAVAILABLE', community: 'sim-007' } }] });
        else if (kind === 'failed') json(200, { errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] });
        else res.writeHead(502).end('<html>bad gateway</html>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts complete, partial and failed answers, the communities missing, and what the check found wrong', async () => {
    const kinds = ['complete', 'partial', 'failed', 'empty', 'html'];
    const result = await closedLoop(url, {
      durationMs: 60_000,
      maxRequests: 10,
      concurrency: 2,
      request: (i) => ({ query: '{ list }', variables: { kind: kinds[i % kinds.length] } }),
      check: (data) => ((data as { list: unknown[] }).list.length ? undefined : 'empty list'),
    });
    expect(result.requests).toBe(10);
    // Two of each kind: complete and empty are complete answers; failed and HTML are failures.
    expect([result.complete, result.partial, result.failed]).toEqual([4, 2, 4]);
    expect(result.missing).toEqual({ 'sim-007': 2 });
    expect(Object.keys(result.failures).sort()).toEqual(['BAD_USER_INPUT', expect.stringMatching(/^fetch: /)].sort());
    expect(result.suspicious).toEqual({ 'empty list': 2 });
  });
});
