import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

const MODEL = 'google/gemini-2.5-pro';

describe('the generation id note of a chat turn', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const pendingRow = async (userId: string) => {
    const id = randomUUID();
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status) values ($1, $2, $3, 'chat', $4, 'pending')`,
      [id, randomUUID(), userId, MODEL],
    );
    return id;
  };
  const generationOf = async (id: string) =>
    (
      await h.server.db.query<{ g: string | null }>(
        'select generation_id as g from api_usage where id = $1',
        [id],
      )
    )[0]!.g;

  it('is recorded on a pending row without waiting for the disk, and leaves a settled row alone', async () => {
    const { userId } = await h.signup();
    const id = await pendingRow(userId);
    const setting = await h.server.db.transaction(async (tx) => {
      await tx.query('select crux_attach_generation($1::uuid, $2::text)', [id, 'gen-1']);
      return (await tx.query<{ s: string }>(`select current_setting('synchronous_commit') as s`))[0]!.s;
    });
    // Only this transaction commits asynchronously: the turn's settlement is durable as before.
    expect(setting).toBe('off');
    expect(
      (await h.server.db.query<{ s: string }>(`select current_setting('synchronous_commit') as s`))[0]!.s,
    ).toBe('on');
    expect(await generationOf(id)).toBe('gen-1');

    await h.server.db.query(`update api_usage set status = 'ok', cost_usd = 0 where id = $1`, [id]);
    await h.server.db.query('select crux_attach_generation($1::uuid, $2::text)', [id, 'gen-2']);
    expect(await generationOf(id)).toBe('gen-1');
  });

  it('goes with the settlement, not a round trip of its own, when the answer came whole with its cost', async () => {
    const { token, userId } = await h.signup();
    const queries = vi.spyOn(h.server.db, 'query');
    try {
      expect((await h.chat(token, 'quick answer')).status).toBe(200);
      const attached = queries.mock.calls.filter(([sql]) => sql.includes('crux_attach_generation'));
      expect(attached).toEqual([]);
    } finally {
      queries.mockRestore();
    }
    const [row] = await h.server.db.query<{ generation_id: string | null; status: string }>(
      'select generation_id, status from api_usage where user_id = $1',
      [userId],
    );
    expect(row).toMatchObject({ generation_id: expect.any(String), status: 'ok' });
  });

  it('is on the row while the stream is still running', async () => {
    const { token, userId } = await h.signup();
    h.simulator.enqueue({ chunkDelayMs: 200, content: 'one two three four five six' });
    const chat = h.chat(token, 'slow answer');
    let row: { generation_id: string | null; status: string } | undefined;
    for (let i = 0; i < 50 && !row?.generation_id; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      [row] = await h.server.db.query<{ generation_id: string | null; status: string }>(
        'select generation_id, status from api_usage where user_id = $1',
        [userId],
      );
    }
    expect(row).toMatchObject({ generation_id: expect.any(String), status: 'pending' });
    expect((await chat).status).toBe(200);
  });
});
