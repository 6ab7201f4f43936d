import type { Browser } from 'playwright-core';
import { type Harness, type HarnessOptions, startHarness } from '../../../server/test/support/harness.ts';
import { launchBrowser } from './browser.ts';

export interface E2E {
  h: Harness;
  browser: Browser;
  close(): Promise<void>;
}

/** The real server (embedded database, the simulator, the built web app) and Chromium. */
export async function startE2E(options: HarnessOptions = {}): Promise<E2E> {
  const [h, browser] = await Promise.all([startHarness(options), launchBrowser()]);
  return {
    h,
    browser,
    async close() {
      await browser.close();
      await h.close();
    },
  };
}

/** Logs climbs through the API (for flows that start from a filled logbook). */
export async function seedClimbs(h: Harness, token: string, climbs: ReadonlyArray<Record<string, unknown>>) {
  for (const climb of climbs) {
    const response = await h.request('/v1/climbs', { method: 'POST', token, json: climb });
    if (response.status !== 201)
      throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  }
}
