import { describe, expect, it } from 'vitest';
import { normalizeGrade } from './grades.ts';

describe('grades', () => {
  it('normalises spelling within a scale', () => {
    expect(normalizeGrade('font', '6a+')).toEqual({ value: '6A+', rank: 2.5 });
    expect(normalizeGrade('v_scale', ' v4 ')).toEqual({ value: 'V4', rank: 4 });
    expect(normalizeGrade('color_circuit', 'Blue')).toEqual({ value: 'blue', rank: 3.5 });
  });

  it('rejects grades of another scale', () => {
    expect(normalizeGrade('font', 'V4')).toBeUndefined();
    expect(normalizeGrade('v_scale', '7A')).toBeUndefined();
    expect(normalizeGrade('color_circuit', 'V2')).toBeUndefined();
  });

  it('orders the three scales on one difficulty line', () => {
    const rank = (scale: 'font' | 'v_scale' | 'color_circuit', grade: string) =>
      normalizeGrade(scale, grade)!.rank;
    expect(rank('font', '7A')).toBe(rank('v_scale', 'V6'));
    expect(rank('font', '6B')).toBeLessThan(rank('v_scale', 'V4'));
    expect(rank('color_circuit', 'black')).toBeGreaterThan(rank('font', '7A+'));
    expect(rank('v_scale', 'VB')).toBeLessThan(rank('color_circuit', 'yellow'));
  });
});
