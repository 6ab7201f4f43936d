import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support/app.ts';
import { collectPageErrors, newContext } from './support/browser.ts';
import { SupabaseAuthStandIn } from './support/supabase-auth-standin.ts';

describe('the web app signs in through Supabase Auth when the server names a project', () => {
  const supabase = new SupabaseAuthStandIn(); // a local stand-in on loopback, not Supabase
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const url = await supabase.start();
    e = await startE2E({ env: { SUPABASE_URL: url, SUPABASE_ANON_KEY: supabase.anonKey } });
    context = await newContext(e.browser, e.h.url);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await e?.close();
    await supabase.stop();
  });
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('tells the web app the project at GET /v1/auth/config', async () => {
    const config = await (await e.h.request('/v1/auth/config')).json();
    expect(config).toEqual({ supabase_url: supabase.url, supabase_anon_key: supabase.anonKey });
  });

  it('signs up and in with Supabase Auth (ES256 token) and uses the API with that token', async () => {
    const email = `supa-${randomUUID()}@example.com`;
    await page.goto('/sign-up');
    await page.getByText('Your account is kept by Supabase Auth.').waitFor();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/setup');
    const account = supabase.accounts.get(email);
    expect(account).toBeDefined();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('crux.session') ?? 'null'));
    expect(stored).toMatchObject({ provider: 'supabase', email, user_id: account!.id });
    // The API knows the Supabase user by the token's sub, from the project's issuer.
    const exported = await e.h.request('/v1/account/export', { token: stored.token });
    expect(await exported.json()).toMatchObject({
      account: { id: account!.id, email, issuer: `${supabase.url}/auth/v1` },
    });

    await page.goto('/logbook');
    await page.getByRole('heading', { name: 'Log a climb' }).waitFor();
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/logbook');
  }, 120_000);
});
