import { patternsSchema } from '@crux/contracts';
import { describe, expect, it } from 'vitest';
import type { Climb } from '../climbs/climbs-repo.ts';
import { computePatterns, gradePyramid, redemptionRate, summarizePatterns } from './patterns.ts';

let next = 0;
function climb(overrides: Partial<Climb>): Climb {
  next++;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    location: 'Home Wall',
    climb_type: 'boulder',
    grade_scale: 'v_scale',
    grade_value: 'V3',
    grade_rank: 3,
    outcome: 'Sent',
    awkwardness: 2,
    style: [],
    failure_reasons: [],
    notes: '',
    hold_color: null,
    redemption_at: null,
    created_at: '2026-11-01T18:00:00.000Z',
    ...overrides,
  };
}

// 4 fails, 2 sends over two sessions in October and one in November.
const fixture: Climb[] = [
  climb({
    outcome: 'Fail',
    style: ['Slab'],
    failure_reasons: ['Bad Feet', 'Fear'],
    created_at: '2026-10-01T18:00:00.000Z',
  }),
  climb({
    outcome: 'Fail',
    style: ['Slab', 'Crimp'],
    failure_reasons: ['Bad Feet'],
    created_at: '2026-10-01T18:30:00.000Z',
  }),
  climb({
    outcome: 'Fail',
    style: ['Overhang'],
    failure_reasons: ['Pumped', 'Bad Feet'],
    created_at: '2026-10-15T18:00:00.000Z',
  }),
  climb({
    outcome: 'Fail',
    style: ['Slab'],
    failure_reasons: ['Fear'],
    created_at: '2026-10-15T19:00:00.000Z',
    redemption_at: '2026-11-02T18:00:00.000Z',
  }),
  climb({
    outcome: 'Sent',
    style: ['Overhang', 'Crimp'],
    grade_value: 'V5',
    grade_rank: 5,
    created_at: '2026-10-15T20:00:00.000Z',
  }),
  climb({
    outcome: 'Sent',
    style: ['Crimp'],
    grade_scale: 'font',
    grade_value: '7A',
    grade_rank: 6,
    created_at: '2026-11-01T18:00:00.000Z',
  }),
];

describe('computePatterns', () => {
  const patterns = computePatterns(fixture);

  it('ranks failure reasons among failed climbs with whole-number percentages', () => {
    expect(patterns.failure_patterns).toEqual([
      { reason: 'Bad Feet', count: 3, percentage: 75 },
      { reason: 'Fear', count: 2, percentage: 50 },
      { reason: 'Pumped', count: 1, percentage: 25 },
    ]);
  });

  it('lists struggling styles by fail rate with counts and attempts', () => {
    expect(patterns.style_weaknesses).toEqual([
      { style: 'Slab', attempts: 3, fail_count: 3, fail_rate: 1 },
      { style: 'Overhang', attempts: 2, fail_count: 1, fail_rate: 0.5 },
      { style: 'Crimp', attempts: 3, fail_count: 1, fail_rate: 0.33 },
    ]);
  });

  it('measures frequency in sessions (UTC days) and climbs per month', () => {
    expect(patterns.climbing_frequency).toEqual({
      total_climbs: 6,
      sessions: 3,
      climbs_per_session: 2,
      climbs_per_month: 5.7, // 6 climbs over 32 days × 30.44
      period_days: 32,
    });
  });

  it('finds redemptions and the grade progression across scales', () => {
    expect(patterns.recent_successes.redemptions).toHaveLength(1);
    expect(patterns.recent_successes.redemptions[0]).toMatchObject({
      grade_value: 'V3',
      redeemed_at: '2026-11-02T18:00:00.000Z',
    });
    expect(patterns.recent_successes.hardest_send).toEqual({
      grade_scale: 'font',
      grade_value: '7A',
      rank: 6,
    });
    expect(patterns.recent_successes.grade_progression).toEqual([
      { month: '2026-10', hardest_rank: 5, hardest_grade: 'V5 (v_scale)', sends: 1 },
      { month: '2026-11', hardest_rank: 6, hardest_grade: '7A (font)', sends: 1 },
    ]);
  });

  it('builds the grade pyramid from sends, hardest first', () => {
    // The redeemed V3 fail counts as a send of its grade.
    expect(patterns.grade_pyramid).toEqual([
      { grade_scale: 'font', grade_value: '7A', rank: 6, sends: 1 },
      { grade_scale: 'v_scale', grade_value: 'V5', rank: 5, sends: 1 },
      { grade_scale: 'v_scale', grade_value: 'V3', rank: 3, sends: 1 },
    ]);
  });

  it('measures the redemption rate over every climb that was failed', () => {
    expect(patterns.redemption_rate).toEqual({ failed: 4, redeemed: 1, rate: 0.25 });
  });

  it('matches the contract', () => {
    expect(patternsSchema.parse(patterns)).toEqual(patterns);
    expect(patternsSchema.parse(computePatterns([]))).toEqual(computePatterns([]));
  });

  it('keeps only the newest 100 climbs', () => {
    const many = Array.from({ length: 130 }, (_, i) =>
      climb({
        outcome: i < 30 ? 'Fail' : 'Sent',
        failure_reasons: i < 30 ? ['Core'] : [],
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 3600_000).toISOString(),
      }),
    );
    // The 30 failures are the oldest: all outside the window.
    const result = computePatterns(many);
    expect(result.climbing_frequency.total_climbs).toBe(100);
    expect(result.failure_patterns).toEqual([]);
  });

  it('handles an empty logbook', () => {
    const empty = computePatterns([]);
    expect(empty.failure_patterns).toEqual([]);
    expect(empty.climbing_frequency.total_climbs).toBe(0);
    expect(summarizePatterns(empty)).toBeUndefined();
  });

  it('summarises for the chat prompt', () => {
    const summary = summarizePatterns(patterns)!;
    expect(summary).toContain('Bad Feet (75% of fails)');
    expect(summary).toContain('Slab (3/3 failed)');
  });
});

describe('gradePyramid', () => {
  it('counts sends per grade of each scale and orders equal ranks by scale and value', () => {
    const climbs = [
      climb({ grade_value: 'V4', grade_rank: 4 }),
      climb({ grade_value: 'V4', grade_rank: 4 }),
      climb({ grade_scale: 'font', grade_value: '6B+', grade_rank: 4 }),
      climb({ grade_value: 'V2', grade_rank: 2 }),
      climb({ grade_value: 'V9', grade_rank: 9, outcome: 'Fail' }),
      climb({ grade_value: 'V7', grade_rank: 7, outcome: 'Fail', redemption_at: '2026-11-03T10:00:00.000Z' }),
      climb({ grade_value: 'V7', grade_rank: 7, outcome: 'Sent', redemption_at: '2026-11-04T10:00:00.000Z' }),
    ];
    expect(gradePyramid(climbs)).toEqual([
      { grade_scale: 'v_scale', grade_value: 'V7', rank: 7, sends: 2 },
      { grade_scale: 'font', grade_value: '6B+', rank: 4, sends: 1 },
      { grade_scale: 'v_scale', grade_value: 'V4', rank: 4, sends: 2 },
      { grade_scale: 'v_scale', grade_value: 'V2', rank: 2, sends: 1 },
    ]);
  });

  it('is empty without sends', () => {
    expect(gradePyramid([climb({ outcome: 'Fail' })])).toEqual([]);
  });
});

describe('redemptionRate', () => {
  it('is 0 when nothing was ever failed', () => {
    expect(redemptionRate([])).toEqual({ failed: 0, redeemed: 0, rate: 0 });
    expect(redemptionRate([climb({ outcome: 'Sent' })])).toEqual({ failed: 0, redeemed: 0, rate: 0 });
  });

  it('counts a failed climb marked as sent once, whatever its outcome now says', () => {
    const climbs = [
      climb({ outcome: 'Fail' }),
      climb({ outcome: 'Fail' }),
      climb({ outcome: 'Fail', redemption_at: '2026-11-03T10:00:00.000Z' }),
      climb({ outcome: 'Sent', redemption_at: '2026-11-04T10:00:00.000Z' }),
      climb({ outcome: 'Sent' }),
    ];
    expect(redemptionRate(climbs)).toEqual({ failed: 4, redeemed: 2, rate: 0.5 });
  });

  it('rounds the rate to 2 places', () => {
    const climbs = [
      climb({ outcome: 'Fail', redemption_at: '2026-11-03T10:00:00.000Z' }),
      climb({ outcome: 'Fail' }),
      climb({ outcome: 'Fail' }),
    ];
    expect(redemptionRate(climbs).rate).toBe(0.33);
  });
});
