import { CHROMIUM, chromiumAvailable } from '../../../ops/src/browser';

export { launchChromium } from '../../../ops/src/browser';

/**
 * `describe` for tests that need a real browser: skipped on a developer's machine without Chromium, and a
 * failure in CI, where a skipped browser test would pass for nothing.
 */
export function describeInBrowser(what: string): jest.Describe {
  if (chromiumAvailable()) return describe;
  if (process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the ${what} test`);
  return describe.skip;
}
