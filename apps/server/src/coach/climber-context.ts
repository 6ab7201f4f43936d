import type { ClimbsRepo } from '../climbs/climbs-repo.ts';
import type { ProfilesRepo } from '../users/profiles-repo.ts';
import { anonymizeClimb, type PrivateNames, scrubText } from './anonymize.ts';
import { buildCoachPrompt, type CoachPromptInput } from './coach-prompt.ts';
import { computePatterns, PATTERN_WINDOW, type Patterns, summarizePatterns } from './patterns.ts';

/** What the chat prompt knows about the climber. */
export interface ChatClimber {
  climbingContext: string;
  patternsSummary: string | undefined;
}

/** Loads what the coach may know about a climber, already anonymised for the LLM. */
export class ClimberContext {
  constructor(
    private readonly climbs: ClimbsRepo,
    private readonly profiles: ProfilesRepo,
  ) {}

  async patterns(userId: string): Promise<Patterns> {
    return computePatterns(await this.climbs.recent(userId, PATTERN_WINDOW));
  }

  /** For the chat prompt: the scrubbed climbing context and a summary of the patterns. */
  async forChat(userId: string): Promise<ChatClimber> {
    const { climbs, profile, names } = await this.load(userId);
    return {
      climbingContext: scrubText(profile.climbing_context, names),
      patternsSummary: summarizePatterns(computePatterns(climbs)),
    };
  }

  /** For a recommendation: patterns, the last 30 anonymised climbs and the scrubbed context. */
  async coachPrompt(userId: string) {
    const { climbs, profile, names } = await this.load(userId);
    const input: CoachPromptInput = {
      patterns: computePatterns(climbs),
      climbs: climbs.map((climb) => anonymizeClimb(climb, names)),
      climbingContext: scrubText(profile.climbing_context, names),
      preferredDiscipline: profile.preferred_discipline,
    };
    return buildCoachPrompt(input);
  }

  private async load(userId: string) {
    const [climbs, profile] = await Promise.all([
      this.climbs.recent(userId, PATTERN_WINDOW),
      this.profiles.getWithLocations(userId),
    ]);
    const names: PrivateNames = { homeGym: profile.home_gym, locations: profile.locations };
    return { climbs, profile, names };
  }
}
