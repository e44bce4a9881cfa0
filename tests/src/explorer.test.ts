/// <reference lib="dom" />
/**
 * The hub's API explorer in a real browser (Debian's Chromium): it must work with no internet access at all.
 * Skipped only where Chromium is not installed and this is not CI (CI installs it and requires it).
 */
import { describeInBrowser, launchChromium } from './support/browser';
import { TestCluster } from './support/cluster';

const maybe = describeInBrowser('explorer');

maybe('the API explorer', () => {
  let cluster: TestCluster;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    cluster = await TestCluster.start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('loads offline, runs the sub-district query through the hub, and shows every community', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(cluster.url.replace('/graphql', '')) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(cluster.url.replace('/graphql', '/'));
    await page.waitForSelector('.graphiql-container', { timeout: 15_000 });
    expect(await page.title()).toContain('Lilong');
    await page.click('.graphiql-execute-button');
    const codes = cluster.communities.map((c) => `"${c.code}"`);
    await page.waitForFunction(
      (expected) => {
        // The result pane is a CodeMirror editor that renders only visible lines; read its whole value.
        const editor = document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror?: { getValue(): string } } | null;
        const text = editor?.CodeMirror?.getValue() ?? '';
        return expected.every((code) => text.includes(code));
      },
      codes,
      { timeout: 15_000 },
    );
    const text = await page.evaluate(
      () => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
    );
    const answer = JSON.parse(text);
    expect(answer.data.communities.map((c: { code: string }) => c.code)).toEqual(cluster.communities.map((c) => c.code));
    expect(answer.errors).toBeUndefined();
    expect(text).toContain(cluster.communities[0]!.shops[0]!.name);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
