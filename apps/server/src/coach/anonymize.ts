import type { Climb } from '../climbs/climbs-repo.ts';

export type LocationKind = 'indoor_gym' | 'outdoor_crag';

/** What is known about the climber's identity, to keep out of anything sent to the LLM. */
export interface PrivateNames {
  homeGym: string | null;
  /** Every location the climber logged. */
  locations: readonly string[];
}

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s)>\]]+/gi;
// 7+ digits with the usual separators, optionally international: +44 20 7946 0958, (555) 123-4567.
const PHONE = /(?:\+|\b)\d[\d\s().-]{6,}\d\b/g;
const INDOOR_WORDS =
  /\b(gym|centre|center|wall|walls|hall|indoor|bouldering|boulderhalle|boulderbar|climbing\s+(?:works|depot|hangar))\b/i;

/** indoor_gym or outdoor_crag, from the climb itself (a colour circuit or the home gym is indoors). */
export function classifyLocation(
  climb: Pick<Climb, 'location' | 'grade_scale' | 'hold_color'>,
  homeGym: string | null,
): LocationKind {
  const location = climb.location.trim().toLowerCase();
  if (homeGym && location === homeGym.trim().toLowerCase()) return 'indoor_gym';
  if (climb.grade_scale === 'color_circuit' || climb.hold_color) return 'indoor_gym';
  return INDOOR_WORDS.test(location) ? 'indoor_gym' : 'outdoor_crag';
}

/** Removes e-mail addresses, URLs, phone numbers and the climber's own gym and location names. */
export function scrubText(text: string, names: PrivateNames): string {
  let scrubbed = text.replace(EMAIL, '[email]').replace(URL_PATTERN, '[link]').replace(PHONE, '[phone]');
  const known = [names.homeGym, ...names.locations]
    .filter((name): name is string => !!name && name.trim().length >= 3)
    .sort((a, b) => b.length - a.length); // longest first, so "Arco Rock Master" goes before "Arco"
  for (const name of known) {
    const kind = name === names.homeGym ? '[gym]' : '[location]';
    scrubbed = scrubbed.replace(new RegExp(escapeRegExp(name.trim()), 'gi'), kind);
  }
  return scrubbed;
}

/** A climb as the LLM may see it: no id, no place names, scrubbed notes. */
export function anonymizeClimb(climb: Climb, names: PrivateNames) {
  return {
    date: climb.created_at.slice(0, 10),
    location: classifyLocation(climb, names.homeGym),
    climb_type: climb.climb_type,
    grade: `${climb.grade_value} (${climb.grade_scale})`,
    outcome: climb.outcome,
    awkwardness: climb.awkwardness,
    style: climb.style,
    failure_reasons: climb.failure_reasons,
    notes: scrubText(climb.notes, names),
    redeemed: climb.redemption_at !== null,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
