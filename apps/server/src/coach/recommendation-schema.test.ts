import { describe, expect, it } from 'vitest';
import { coachAnswer } from '../simulator/replies.ts';
import { parseRecommendation } from './recommendation-schema.ts';

describe('parseRecommendation', () => {
  it('accepts a valid answer, also inside a Markdown fence', () => {
    expect(parseRecommendation(JSON.stringify(coachAnswer())).ok).toBe(true);
    expect(parseRecommendation(`\`\`\`json\n${JSON.stringify(coachAnswer())}\n\`\`\``).ok).toBe(true);
  });

  it('rejects text that is not JSON', () => {
    expect(parseRecommendation('Here is your plan: do more crimps')).toMatchObject({
      ok: false,
      errorCode: 'invalid_json',
    });
  });

  it.each([
    ['two drills', (a: Record<string, unknown>) => (a.drills = (a.drills as unknown[]).slice(0, 2))],
    [
      'five projecting items',
      (a: Record<string, unknown>) =>
        (a.projecting_focus = Array(5).fill((a.projecting_focus as unknown[])[0])),
    ],
    [
      'sets of 12',
      (a: Record<string, unknown>) => ((a.drills as Array<Record<string, unknown>>)[0]!.sets = 12),
    ],
    [
      'fractional sets',
      (a: Record<string, unknown>) => ((a.drills as Array<Record<string, unknown>>)[0]!.sets = 2.5),
    ],
    ['no weekly focus', (a: Record<string, unknown>) => delete a.weekly_focus],
    [
      'no measurable outcome',
      (a: Record<string, unknown>) =>
        delete (a.drills as Array<Record<string, unknown>>)[1]!.measurable_outcome,
    ],
  ])('rejects an answer with %s', (_name, breakIt) => {
    const answer = coachAnswer();
    breakIt(answer);
    expect(parseRecommendation(JSON.stringify(answer))).toMatchObject({
      ok: false,
      errorCode: 'schema_mismatch',
    });
  });
});
