import type { FailureReason, Patterns, Style } from '@crux/contracts';
import type { Climb } from '../climbs/climbs-repo.ts';

export type { Patterns };

export const PATTERN_WINDOW = 100;

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;
const DAY_MS = 86_400_000;

/**
 * Patterns in a climber's most recent climbs (pure). `climbs` may be in any order; the newest
 * `PATTERN_WINDOW` are used.
 */
export function computePatterns(climbs: readonly Climb[]): Patterns {
  const recent = [...climbs]
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .slice(0, PATTERN_WINDOW);
  return {
    failure_patterns: failurePatterns(recent),
    style_weaknesses: styleWeaknesses(recent),
    climbing_frequency: frequency(recent),
    recent_successes: successes(recent),
    grade_pyramid: gradePyramid(recent),
    redemption_rate: redemptionRate(recent),
  };
}

/** The top 5 failure reasons among failed climbs, with whole-number percentages of failed climbs. */
function failurePatterns(climbs: readonly Climb[]): Patterns['failure_patterns'] {
  const failed = climbs.filter((c) => c.outcome === 'Fail');
  const counts = new Map<FailureReason, number>();
  for (const climb of failed)
    for (const reason of climb.failure_reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts]
    .map(([reason, count]) => ({ reason, count, percentage: Math.round((count / failed.length) * 100) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, 5);
}

/** Styles with at least one failure, hardest first by fail rate. */
function styleWeaknesses(climbs: readonly Climb[]): Patterns['style_weaknesses'] {
  const stats = new Map<Style, { attempts: number; fails: number }>();
  for (const climb of climbs) {
    for (const style of climb.style) {
      const entry = stats.get(style) ?? { attempts: 0, fails: 0 };
      entry.attempts++;
      if (climb.outcome === 'Fail') entry.fails++;
      stats.set(style, entry);
    }
  }
  return [...stats]
    .filter(([, s]) => s.fails > 0)
    .map(([style, s]) => ({
      style,
      attempts: s.attempts,
      fail_count: s.fails,
      fail_rate: round(s.fails / s.attempts),
    }))
    .sort(
      (a, b) => b.fail_rate - a.fail_rate || b.fail_count - a.fail_count || a.style.localeCompare(b.style),
    )
    .slice(0, 5);
}

/** A session is a UTC day with at least one climb. */
function frequency(climbs: readonly Climb[]): Patterns['climbing_frequency'] {
  if (climbs.length === 0)
    return { total_climbs: 0, sessions: 0, climbs_per_session: 0, climbs_per_month: 0, period_days: 0 };
  const times = climbs.map((c) => Date.parse(c.created_at));
  const sessions = new Set(climbs.map((c) => c.created_at.slice(0, 10))).size;
  const periodDays = Math.floor((Math.max(...times) - Math.min(...times)) / DAY_MS) + 1;
  return {
    total_climbs: climbs.length,
    sessions,
    climbs_per_session: round(climbs.length / sessions),
    climbs_per_month: round((climbs.length / Math.max(periodDays, 30)) * 30.44, 1),
    period_days: periodDays,
  };
}

function successes(climbs: readonly Climb[]): Patterns['recent_successes'] {
  const sends = climbs.filter((c) => c.outcome === 'Sent');
  const redemptions = climbs
    .filter((c) => c.redemption_at !== null)
    .sort((a, b) => b.redemption_at!.localeCompare(a.redemption_at!))
    .slice(0, 5)
    .map((c) => ({
      climb_id: c.id,
      grade_scale: c.grade_scale,
      grade_value: c.grade_value,
      climb_type: c.climb_type,
      redeemed_at: c.redemption_at!,
    }));
  const hardest = sends.reduce<Climb | undefined>(
    (best, c) => (!best || c.grade_rank > best.grade_rank ? c : best),
    undefined,
  );
  const byMonth = new Map<string, { best: Climb; sends: number }>();
  for (const send of sends) {
    const month = send.created_at.slice(0, 7);
    const entry = byMonth.get(month);
    if (!entry) byMonth.set(month, { best: send, sends: 1 });
    else {
      entry.sends++;
      if (send.grade_rank > entry.best.grade_rank) entry.best = send;
    }
  }
  return {
    redemptions,
    sends: sends.length,
    hardest_send: hardest
      ? { grade_scale: hardest.grade_scale, grade_value: hardest.grade_value, rank: hardest.grade_rank }
      : null,
    grade_progression: [...byMonth]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, { best, sends: count }]) => ({
        month,
        hardest_rank: best.grade_rank,
        hardest_grade: `${best.grade_value} (${best.grade_scale})`,
        sends: count,
      })),
  };
}

/** A climb that was sent, logged as a send or marked as sent later (`redemption_at`). */
const isSend = (climb: Climb) => climb.outcome === 'Sent' || climb.redemption_at !== null;

/** Sends per grade (scale and value), hardest first: the climber's grade pyramid. */
export function gradePyramid(climbs: readonly Climb[]): Patterns['grade_pyramid'] {
  const grades = new Map<string, Patterns['grade_pyramid'][number]>();
  for (const climb of climbs.filter(isSend)) {
    const key = `${climb.grade_scale}\u0000${climb.grade_value}`;
    const entry = grades.get(key);
    if (entry) entry.sends++;
    else
      grades.set(key, {
        grade_scale: climb.grade_scale,
        grade_value: climb.grade_value,
        rank: climb.grade_rank,
        sends: 1,
      });
  }
  return [...grades.values()].sort(
    (a, b) =>
      b.rank - a.rank ||
      a.grade_scale.localeCompare(b.grade_scale) ||
      a.grade_value.localeCompare(b.grade_value),
  );
}

/**
 * Of the climbs ever failed (logged as a fail, or marked as sent after failing), how many were
 * redeemed: `rate` is redeemed / failed to 2 places, 0 when nothing failed.
 */
export function redemptionRate(climbs: readonly Climb[]): Patterns['redemption_rate'] {
  const failed = climbs.filter((c) => c.outcome === 'Fail' || c.redemption_at !== null).length;
  const redeemed = climbs.filter((c) => c.redemption_at !== null).length;
  return { failed, redeemed, rate: failed === 0 ? 0 : round(redeemed / failed) };
}

/** A few lines for the chat prompt, so answers can refer to the climber's own failures. */
export function summarizePatterns(patterns: Patterns): string | undefined {
  const lines: string[] = [];
  const f = patterns.climbing_frequency;
  if (f.total_climbs === 0) return undefined;
  lines.push(
    `${f.total_climbs} logged climbs over ${f.period_days} days, ${f.sessions} sessions (${f.climbs_per_session} per session).`,
  );
  if (patterns.failure_patterns.length) {
    lines.push(
      `Most common failure reasons: ${patterns.failure_patterns.map((p) => `${p.reason} (${p.percentage}% of fails)`).join(', ')}.`,
    );
  }
  if (patterns.style_weaknesses.length) {
    lines.push(
      `Struggling styles: ${patterns.style_weaknesses.map((s) => `${s.style} (${s.fail_count}/${s.attempts} failed)`).join(', ')}.`,
    );
  }
  const s = patterns.recent_successes;
  if (s.hardest_send)
    lines.push(`Hardest send: ${s.hardest_send.grade_value} (${s.hardest_send.grade_scale}).`);
  if (s.redemptions.length) lines.push(`Recent redemptions: ${s.redemptions.length}.`);
  return lines.join('\n');
}
