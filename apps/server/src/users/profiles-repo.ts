import type { Db } from '../db/types.ts';

export interface Profile {
  preferred_discipline: string | null;
  preferred_grade_scale: string | null;
  home_gym: string | null;
  climbing_context: string;
}

export class ProfilesRepo {
  constructor(private readonly db: Db) {}

  async get(userId: string): Promise<Profile> {
    const [row] = await this.db.query<Profile>(
      `select preferred_discipline, preferred_grade_scale, home_gym, climbing_context from profiles where user_id = $1`,
      [userId],
    );
    return (
      row ?? { preferred_discipline: null, preferred_grade_scale: null, home_gym: null, climbing_context: '' }
    );
  }

  async put(userId: string, profile: Profile): Promise<Profile> {
    await this.db.query(
      `insert into profiles (user_id, preferred_discipline, preferred_grade_scale, home_gym, climbing_context, updated_at)
       values ($1, $2, $3, $4, $5, now())
       on conflict (user_id) do update set preferred_discipline = $2, preferred_grade_scale = $3,
         home_gym = $4, climbing_context = $5, updated_at = now()`,
      [
        userId,
        profile.preferred_discipline,
        profile.preferred_grade_scale,
        profile.home_gym,
        profile.climbing_context,
      ],
    );
    return profile;
  }
}
