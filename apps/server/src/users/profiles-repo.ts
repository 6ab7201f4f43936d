import type { Profile } from '@crux/contracts';
import type { Db } from '../db/types.ts';

export type { Profile };

const emptyProfile = (): Profile => ({
  preferred_discipline: null,
  preferred_grade_scale: null,
  home_gym: null,
  climbing_context: '',
  hold_colors: [],
});

const COLUMNS = 'preferred_discipline, preferred_grade_scale, home_gym, climbing_context, hold_colors';

/** Drops null values, so a missing profile row falls back to the defaults. */
function stripNulls<T extends object>(row: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(row ?? {}).filter(([, value]) => value !== null)) as Partial<T>;
}

export class ProfilesRepo {
  constructor(private readonly db: Db) {}

  async get(userId: string): Promise<Profile> {
    const [row] = await this.db.query<Profile>(`select ${COLUMNS} from profiles where user_id = $1`, [
      userId,
    ]);
    return row ?? emptyProfile();
  }

  /** The profile and every location the climber logged: the names to scrub before an LLM call. */
  async getWithLocations(userId: string): Promise<Profile & { locations: string[] }> {
    const [row] = await this.db.query<Profile & { locations: string[] }>(
      `select p.preferred_discipline, p.preferred_grade_scale, p.home_gym, p.climbing_context, p.hold_colors,
              coalesce((select array_agg(distinct c.location) from climbs c where c.user_id = $1), '{}') as locations
       from (select $1::uuid as user_id) u left join profiles p on p.user_id = u.user_id`,
      [userId],
    );
    return { ...emptyProfile(), ...stripNulls(row), locations: row?.locations ?? [] };
  }

  /** Applies the fields present in `changes` (null clears one) and returns the whole profile. */
  async update(userId: string, changes: Partial<Profile>): Promise<Profile> {
    const present = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    return this.put(userId, { ...(await this.get(userId)), ...present });
  }

  async put(userId: string, profile: Profile): Promise<Profile> {
    await this.db.query(
      `insert into profiles (user_id, ${COLUMNS}, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (user_id) do update set preferred_discipline = $2, preferred_grade_scale = $3,
         home_gym = $4, climbing_context = $5, hold_colors = $6, updated_at = now()`,
      [
        userId,
        profile.preferred_discipline,
        profile.preferred_grade_scale,
        profile.home_gym,
        profile.climbing_context,
        profile.hold_colors,
      ],
    );
    return profile;
  }
}
