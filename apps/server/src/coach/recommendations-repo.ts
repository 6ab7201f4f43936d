import { randomUUID } from 'node:crypto';
import type { Db } from '../db/types.ts';
import { type RecommendationContent, recommendationContentSchema } from './recommendation-schema.ts';

export interface StoredRecommendation {
  id: string;
  created_at: string;
  content: RecommendationContent;
}

const COLUMNS = `id, to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at, content`;

export class RecommendationsRepo {
  constructor(private readonly db: Db) {}

  async add(
    userId: string,
    requestId: string,
    model: string,
    content: RecommendationContent,
  ): Promise<StoredRecommendation> {
    const [row] = await this.db.query<StoredRecommendation>(
      `insert into recommendations (id, user_id, request_id, model, content) values ($1, $2, $3, $4, $5::jsonb)
       returning ${COLUMNS}`,
      [randomUUID(), userId, requestId, model, JSON.stringify(content)],
    );
    return inSchemaOrder(row!);
  }

  async latest(userId: string): Promise<StoredRecommendation | undefined> {
    const [row] = await this.db.query<StoredRecommendation>(
      `select ${COLUMNS} from recommendations where user_id = $1 order by created_at desc, id desc limit 1`,
      [userId],
    );
    return row && inSchemaOrder(row);
  }
}

/** jsonb sorts keys; the schema puts them back in the documented order (weekly_focus first). */
function inSchemaOrder(row: StoredRecommendation): StoredRecommendation {
  return { ...row, content: recommendationContentSchema.parse(row.content) };
}
