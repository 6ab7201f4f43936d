import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDb } from '../src/db/postgres.ts';
import { prepared } from '../src/db/prepared.ts';
import { type Harness, startHarness } from './support/harness.ts';

const TURN_STATEMENTS = ['crux_attach_generation', 'crux_open_chat_turn', 'crux_settle_turn'];

/**
 * DATABASE_PREPARED_STATEMENTS: a chat turn's statements are prepared once per connection (the
 * server parses and plans them once), with the same results. Only a Postgres server's pool does
 * it; the embedded database runs the marked statements as they are (every other chat test).
 */
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('prepared chat turn statements', () => {
  let h: Harness;
  beforeAll(async () => {
    // One connection, so the test reads the statements the turns prepared on it.
    h = await startHarness({ env: { DATABASE_PREPARED_STATEMENTS: 'true', DATABASE_POOL_SIZE: '1' } });
  });
  afterAll(() => h.close());

  it('are prepared once on the connection and give the same turns', async () => {
    const { token } = await h.signup();
    for (const message of ['first question', 'second question', 'third question']) {
      const chat = await h.chat(token, message);
      expect(chat.status).toBe(200);
      expect(chat.done).toBe(true);
    }
    await h.settled();
    const statements = await h.server.db.query<{ name: string }>(
      `select name from pg_prepared_statements where name like 'crux\\_%' order by name`,
    );
    // The generation note is written only when the answer outlives its first text (not these short ones).
    const names = statements.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['crux_open_chat_turn', 'crux_settle_turn']));
    expect(TURN_STATEMENTS).toEqual(expect.arrayContaining(names));
    const records = await h.records(token);
    expect(records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const history = await h.server.db.query<{ role: string; content: string }>(
      `select role, content from chat_messages m join api_usage u on u.request_id = m.request_id
       where u.id = any($1::uuid[]) order by m.created_at`,
      [records.map((r) => r.id)],
    );
    expect(history.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'first question',
      'second question',
      'third question',
    ]);
    expect(history.filter((m) => m.role === 'assistant')).toHaveLength(3);
  });

  it('are left unprepared when the setting is off, and only marked statements are ever prepared', async () => {
    const probe = prepared('crux_probe', 'select $1::int + 1 as n');
    for (const preparedStatements of [false, true]) {
      const db = await openPostgresDb(h.databaseUrl!, { poolSize: 1, preparedStatements });
      try {
        expect(await db.query(probe, [1])).toEqual([{ n: 2 }]);
        expect(await db.query(probe, [2])).toEqual([{ n: 3 }]);
        expect(await db.query('select $1::int * 2 as n', [4])).toEqual([{ n: 8 }]);
        const names = await db.transaction((tx) =>
          tx.query<{ name: string }>('select name from pg_prepared_statements'),
        );
        expect(names.map((s) => s.name)).toEqual(preparedStatements ? ['crux_probe'] : []);
      } finally {
        await db.close();
      }
    }
  });
});
