/// <reference lib="dom" />
/**
 * The data console on the embedded layout (`npm start`: four communities, each its own process): first render
 * (navigation start to every panel's table drawn with data, over several fresh page loads), charts (to the first
 * chart drawn: their code is a chunk loaded after the first query), GraphQL requests at load and per minute after
 * it, in headless Chromium. `--screenshot <file>` also saves the README's picture of the console
 * with the demo data (`npm run screenshot`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, chromiumAvailable, launchChromium } from '../src/browser';
import { runEmbedded } from '../src/embedded-run';
import { REPO_ROOT } from '../src/paths';
import { summarize } from './stats';

export async function benchConsole(args: string[]): Promise<number | void> {
  const shotAt = args.indexOf('--screenshot');
  const screenshot = shotAt >= 0 ? path.resolve(REPO_ROOT, args[shotAt + 1] ?? 'docs/console.png') : undefined;
  const loads = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
  const minute = args.includes('--no-minute') ? 0 : 60_000;
  if (!chromiumAvailable()) {
    console.error(`needs Chromium at ${CHROMIUM} (CHROMIUM_PATH)`);
    return 2;
  }
  const run = await runEmbedded({ readyTimeoutMs: 180_000 });
  const browser = await launchChromium();
  try {
    const origin = run.url.replace(/\/graphql$/, '');
    const answer = await fetch(`${origin}/console/demo/token`, { method: 'POST', body: JSON.stringify({ person: 'subdistrict' }), headers: { 'content-type': 'application/json' } });
    const { token } = (await answer.json()) as { token: string };
    if (screenshot) await searchLikeResidents(run.url);
    const firstRender: number[] = [];
    const charts: number[] = [];
    /** Where the time of a load goes: each as ms from navigation start (Resource Timing of the page). */
    const phases = { entryEnd: [] as number[], appCodeEnd: [] as number[], whoStart: [] as number[], whoEnd: [] as number[], dataStart: [] as number[], dataEnd: [] as number[], chartCodeEnd: [] as number[] };
    let atLoad = 0;
    let perMinute: number | undefined;
    let streams = 0;
    for (let i = 0; i < loads; i += 1) {
      const last = i === loads - 1;
      const context = await browser.newContext({ viewport: { width: 1440, height: 1800 }, deviceScaleFactor: 1, locale: 'zh-CN' });
      const page = await context.newPage();
      let queries = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/graphql' && r.method() === 'POST') queries += 1;
      });
      await page.goto(`${origin}/console/#token=${encodeURIComponent(token)}`);
      await page.waitForSelector('[data-testid=table-communities]', { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 5);
      const marks = await page.evaluate(() => (window as unknown as { __lilongConsole: { firstRenderMs: number; chartsMs: number } }).__lilongConsole);
      firstRender.push(marks.firstRenderMs);
      charts.push(marks.chartsMs);
      const timing = await page.evaluate(() => {
        const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const queries = entries.filter((e) => new URL(e.name).pathname === '/graphql');
        const end = (re: RegExp) => entries.find((e) => re.test(new URL(e.name).pathname))?.responseEnd;
        return {
          entryEnd: end(/^\/console\/assets\/index-[\w-]+\.js$/),
          appCodeEnd: end(/^\/console\/assets\/main-[\w-]+\.js$/),
          whoStart: queries[0]?.startTime,
          whoEnd: queries[0]?.responseEnd,
          dataStart: queries[1]?.startTime,
          dataEnd: queries[1]?.responseEnd,
          chartCodeEnd: end(/^\/console\/assets\/echarts-[\w-]+\.js$/),
        };
      });
      for (const [name, value] of Object.entries(timing)) if (typeof value === 'number') phases[name as keyof typeof phases].push(value);
      atLoad = queries;
      if (last) {
        streams = await page.evaluate(() => (window as unknown as { __lilongConsole: { subscriptions: number } }).__lilongConsole.subscriptions);
        if (screenshot) {
          mkdirSync(path.dirname(screenshot), { recursive: true });
          await page.waitForTimeout(500);
          await page.screenshot({ path: screenshot, clip: { x: 0, y: 0, width: 1440, height: 1800 } });
        }
        if (minute) {
          const before = queries;
          await page.waitForTimeout(minute);
          perMinute = queries - before;
        }
      }
      await context.close();
    }
    console.log(
      JSON.stringify({
        bench: 'console',
        communities: 4,
        firstRenderMs: summarize(firstRender),
        firstChartMs: summarize(charts),
        phasesP50Ms: Object.fromEntries(Object.entries(phases).map(([name, values]) => [name, summarize(values).p50])),
        graphqlRequestsOnLoad: atLoad,
        graphqlRequestsPerMinute: perMinute,
        sseStreams: streams,
        ...(screenshot ? { screenshot: path.relative(REPO_ROOT, screenshot) } : {}),
      }),
    );
  } finally {
    await browser.close();
    await run.stop();
  }
}

/**
 * For the picture: what residents of a fresh demo would search for and not find (a few products the demo shops do
 * not stock, some more often than others), through the public API like any partner app, so the panel of searches
 * with nothing in stock has something to show.
 */
async function searchLikeResidents(url: string): Promise<void> {
  const searches: [string, number][] = [['胰岛素笔针头', 6], ['婴儿奶粉 1段', 4], ['退烧贴', 3], ['血糖试纸', 2], ['电解质水', 1]];
  for (const [text, times] of searches) {
    for (let i = 0; i < times; i += 1) {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($t: String!) { searchStock(text: $t, first: 5) { cursor } }', variables: { t: text } }) });
    }
  }
}
