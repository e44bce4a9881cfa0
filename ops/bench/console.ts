/// <reference lib="dom" />
/**
 * The data console on the embedded layout (`npm start`: four communities, each its own process): first render
 * (navigation start to every panel drawn with data, over several fresh page loads), GraphQL requests at load and
 * per minute after it, in headless Chromium. `--screenshot <file>` also saves the README's picture of the console
 * with the demo data (`npm run screenshot`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runEmbedded } from '../src/embedded-run';
import { REPO_ROOT } from '../src/paths';
import { summarize } from './stats';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function benchConsole(args: string[]): Promise<number | void> {
  const shotAt = args.indexOf('--screenshot');
  const screenshot = shotAt >= 0 ? path.resolve(REPO_ROOT, args[shotAt + 1] ?? 'docs/console.png') : undefined;
  const loads = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
  const minute = args.includes('--no-minute') ? 0 : 60_000;
  if (!existsSync(CHROMIUM)) {
    console.error(`needs Chromium at ${CHROMIUM} (CHROMIUM_PATH)`);
    return 2;
  }
  const run = await runEmbedded({ readyTimeoutMs: 180_000 });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'] });
  try {
    const origin = run.url.replace(/\/graphql$/, '');
    const answer = await fetch(`${origin}/console/demo/token`, { method: 'POST', body: JSON.stringify({ person: 'subdistrict' }), headers: { 'content-type': 'application/json' } });
    const { token } = (await answer.json()) as { token: string };
    const firstRender: number[] = [];
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
      firstRender.push(await page.evaluate(() => (window as unknown as { __lilongConsole: { firstRenderMs: number } }).__lilongConsole.firstRenderMs));
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
