import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/types.ts';

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  created_at: string;
}

/** The coach's answer to one question, its id chosen before it is written (a replay inserts it once). */
export interface AssistantMessage {
  id: string;
  userId: string;
  /** The request of the question it answers. */
  requestId: string;
  content: string;
}

/**
 * Stores an answer, once: a second write of the same id changes nothing. `endedAt` (a late
 * write from the spool) dates it when the turn ended, never before its question.
 */
export async function insertAssistantMessage(
  db: Queryable,
  message: AssistantMessage,
  endedAt?: string,
): Promise<void> {
  const createdAt =
    endedAt === undefined
      ? 'clock_timestamp()'
      : `greatest($5::timestamptz, (select max(created_at) + interval '1 microsecond' from chat_messages
           where user_id = $2 and request_id = $4 and role = 'user'))`;
  await db.query(
    `insert into chat_messages (id, user_id, role, content, request_id, created_at)
     values ($1, $2, 'assistant', $3, $4, ${createdAt})
     on conflict (id) do nothing`,
    [
      message.id,
      message.userId,
      message.content,
      message.requestId,
      ...(endedAt === undefined ? [] : [endedAt]),
    ],
  );
}

export class MessagesRepo {
  constructor(private readonly db: Db) {}

  async add(
    userId: string,
    role: StoredMessage['role'],
    content: string,
    requestId: string,
  ): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'insert into chat_messages (id, user_id, role, content, request_id) values ($1, $2, $3, $4, $5)',
      [id, userId, role, content, requestId],
    );
    return id;
  }

  /** The newest `limit` messages, oldest first (the order a prompt and a chat view want). */
  async recent(userId: string, limit: number): Promise<StoredMessage[]> {
    const rows = await this.db.query<StoredMessage>(
      `select id, role, content, to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
       from chat_messages where user_id = $1 order by created_at desc, id desc limit $2`,
      [userId, limit],
    );
    return rows.reverse();
  }

  /**
   * The newest `limit` messages that belong in a prompt, oldest first: a question the upstream
   * refused before any token is left out (the climber may ask it again).
   */
  async history(userId: string, limit: number): Promise<Array<Pick<StoredMessage, 'role' | 'content'>>> {
    const rows = await this.db.query<Pick<StoredMessage, 'role' | 'content'>>(
      `select role, content from chat_messages where user_id = $1 and status = 'sent'
       order by created_at desc, id desc limit $2`,
      [userId, limit],
    );
    return rows.reverse();
  }

  /** Marks a question whose upstream call was refused before any token. */
  async markFailed(id: string): Promise<void> {
    await this.db.query(`update chat_messages set status = 'failed' where id = $1`, [id]);
  }

  async clear(userId: string): Promise<void> {
    await this.db.query('delete from chat_messages where user_id = $1', [userId]);
  }
}
