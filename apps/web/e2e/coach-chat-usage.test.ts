import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, seedClimbs, startE2E } from './support/app.ts';
import { collectPageErrors, expectAccessible, newContext, screenshots } from './support/browser.ts';

const climb = (grade_value: string, outcome: 'Sent' | 'Fail', extra: Record<string, unknown> = {}) => ({
  location: 'Boulder Lab',
  climb_type: 'boulder',
  grade_scale: 'font',
  grade_value,
  outcome,
  ...extra,
});

const SEED = [
  climb('6A', 'Fail', {
    failure_reasons: ['Bad Feet', 'Fear'],
    style: ['Slab'],
    notes: 'Slipped off the smear',
  }),
  climb('6A', 'Sent', { style: ['Overhang'] }),
  climb('6B', 'Fail', { failure_reasons: ['Bad Feet'], style: ['Slab', 'Crimp'] }),
  climb('5+', 'Sent', { style: ['Vert'] }),
  climb('6A+', 'Sent', { style: ['Overhang'], awkwardness: 2 }),
];

describe('coach, chat, usage and settings in a real browser', () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let pageErrors: string[] = [];
  const api = async <T>(path: string): Promise<T> => (await (await e.h.request(path, { token })).json()) as T;

  beforeAll(async () => {
    e = await startE2E({ env: { DAILY_REC_LIMIT: '3', DAILY_CHAT_LIMIT: '20' } });
    const user = await e.h.signup();
    token = user.token;
    await seedClimbs(e.h, token, SEED);
    context = await newContext(e.browser, e.h.url);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/logbook');
  });
  afterAll(() => e?.close());
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('shows the patterns as charts and generates a recommendation with the daily count', async () => {
    await page.getByRole('link', { name: 'Coach' }).click();
    await page.getByText('Why climbs failed').waitFor();
    await page.getByText('Grade pyramid').waitFor();
    await page.getByText('Styles that fail most').waitFor();
    expect(await page.getByTestId('redemption-rate').textContent()).toContain('0%');
    await page.getByText('No plan yet').waitFor();
    await page.getByTestId('recs-left').getByText('3 of 3 left today').waitFor();

    await page.getByRole('button', { name: 'Generate a new plan' }).click();
    await page.getByRole('heading', { name: 'Weekly focus' }).waitFor();
    await page.getByTestId('recs-left').getByText('2 of 3 left today').waitFor();
    const latest = await api<{ recommendation: { content: { weekly_focus: string } } }>(
      '/v1/coach/recommendations/latest',
    );
    await page.getByText(latest.recommendation.content.weekly_focus).waitFor();
    await expectAccessible(page, 'coach');
    await screenshots(page, 'coach');
  });

  it('streams a chat reply as markdown and shows its cost from the usage event', async () => {
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Your question').fill('How do I stop slipping off slab footholds?');
    await page.getByRole('button', { name: 'Send' }).click();
    const cost = page.getByTestId('reply-cost');
    await cost.waitFor();
    await e.h.settled();
    const records = await e.h.records(token);
    const chatRow = records.find((r) => r.endpoint === 'chat');
    expect(chatRow?.cost_usd).toMatch(/^\d+\.\d+$/);
    expect(await cost.textContent()).toContain(`Cost $${chatRow?.cost_usd}`);
    expect(await page.locator('.message.assistant').last().textContent()).toContain('slab');
    await expectAccessible(page, 'chat');
    await screenshots(page, 'chat');
  });

  it('stops a slow stream midway with the Stop button', async () => {
    e.h.simulator.enqueue({ chunkDelayMs: 400 });
    const replies = page.locator('.message.assistant');
    const before = await replies.count();
    await page.getByLabel('Your question').fill('Give me a long answer about heel hooks.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => replies.count()).toBe(before + 1);
    const reply = replies.last();
    // Some text has arrived, and the stream is still going.
    await reply.locator('.markdown').waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await reply.getByText('Stopped.').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    expect(await reply.getByTestId('reply-cost').count()).toBe(0);
    // The server saw the client go: the turn is settled as aborted in the ledger, never as complete.
    await e.h.settled();
    const chatRows = (await e.h.records(token)).filter((r) => r.endpoint === 'chat');
    expect(chatRows[0]?.status).toBe('aborted');
  });

  it('shows a usage total equal to the ledger total (GET /v1/usage)', async () => {
    await e.h.settled();
    await page.getByRole('link', { name: 'Usage' }).click();
    const total = page.getByTestId('usage-total');
    await total.waitFor();
    const summary = await api<{ total: { cost_usd: string; requests: number } }>('/v1/usage');
    expect(summary.total.requests).toBeGreaterThanOrEqual(3);
    await expect.poll(() => total.textContent()).toBe(`$${summary.total.cost_usd}`);
    // Every call was today, the stopped one too (settled after the chat page last read the
    // limits): today's spend is the same figure, not one cached before that settlement.
    await expect
      .poll(() => page.getByTestId('spent-today').textContent())
      .toMatch(new RegExp(`^\\$${summary.total.cost_usd.replace('.', '\\.')}( |$)`));
    await page.getByRole('table', { name: 'By endpoint' }).getByText('recommendations').waitFor();
    await page.getByText('Cost per day (UTC, USD)').waitFor();
    await expectAccessible(page, 'usage');
    await screenshots(page, 'usage');
  });

  it('saves the settings: hold colours and climbing context with its counter', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const context = page.getByLabel('Climbing context for the coach');
    const text = 'Training for a Fontainebleau trip in spring; left shoulder is sensitive.';
    await context.fill(text);
    await page.getByText(`${text.length} / 2000 characters`).waitFor();
    await page.getByLabel('Another hold colour').fill('teal');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('radio', { name: 'Sport' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const profile = await api<Record<string, unknown>>('/v1/profile');
    expect(profile).toMatchObject({
      climbing_context: text,
      hold_colors: ['teal'],
      preferred_discipline: 'sport',
    });
    await page.reload();
    await expect.poll(() => page.getByLabel('Climbing context for the coach').inputValue()).toBe(text);
    expect(await page.getByRole('checkbox', { name: 'teal' }).isChecked()).toBe(true);
    await expectAccessible(page, 'settings');
    await screenshots(page, 'settings');
  });
});
