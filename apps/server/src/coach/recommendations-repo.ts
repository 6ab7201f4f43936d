import type { Db, Queryable } from '../db/types.ts';
import { type RecommendationContent, recommendationContentSchema } from './recommendation-schema.ts';

export interface StoredRecommendation {
  id: string;
  created_at: string;
  content: RecommendationContent;
}

const COLUMNS = `id, to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at, content`;

/** A validated plan about to be stored: id and time chosen first, so the client sees what is stored. */
export interface NewRecommendation {
  id: string;
  userId: string;
  requestId: string;
  model: string;
  content: RecommendationContent;
  /** ISO 8601 with milliseconds, as `created_at` reads back. */
  createdAt: string;
}

/** What the client is shown for a plan stored (or spooled) from `plan`. */
export function storedFrom(plan: NewRecommendation): StoredRecommendation {
  return { id: plan.id, created_at: plan.createdAt, content: plan.content };
}

/** Stores a plan, once: a second write of the same id changes nothing. */
export async function insertRecommendation(db: Queryable, plan: NewRecommendation): Promise<void> {
  await db.query(
    `insert into recommendations (id, user_id, request_id, model, content, created_at)
     values ($1, $2, $3, $4, $5::jsonb, $6::timestamptz)
     on conflict (id) do nothing`,
    [plan.id, plan.userId, plan.requestId, plan.model, JSON.stringify(plan.content), plan.createdAt],
  );
}

export class RecommendationsRepo {
  constructor(private readonly db: Db) {}

  async latest(userId: string): Promise<StoredRecommendation | undefined> {
    const [row] = await this.db.query<StoredRecommendation>(
      `select ${COLUMNS} from recommendations where user_id = $1 order by created_at desc, id desc limit 1`,
      [userId],
    );
    return row && inSchemaOrder(row);
  }

  /** Every recommendation of a user, newest first (the account export). */
  async all(userId: string): Promise<StoredRecommendation[]> {
    const rows = await this.db.query<StoredRecommendation>(
      `select ${COLUMNS} from recommendations where user_id = $1 order by created_at desc, id desc`,
      [userId],
    );
    return rows.map(inSchemaOrder);
  }
}

/** jsonb sorts keys; the schema puts them back in the documented order (weekly_focus first). */
function inSchemaOrder(row: StoredRecommendation): StoredRecommendation {
  return { ...row, content: recommendationContentSchema.parse(row.content) };
}
