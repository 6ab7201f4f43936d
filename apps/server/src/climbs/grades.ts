import type { GradeScale } from '@crux/contracts';

/**
 * The three grade scales on one difficulty ordering, the V-scale equivalent (VB = -1).
 * Font grades (boulder, and French sport grades written the same way) follow the usual
 * conversion chart; a colour circuit sits where most gyms put each colour.
 */
// biome-ignore format: a conversion table reads best as a table
const FONT: Array<[string, number]> = [
  ['3', -1.5], ['4', -1], ['4+', -0.5], ['5', 0], ['5+', 1], ['6A', 2], ['6A+', 2.5], ['6B', 3],
  ['6B+', 3.5], ['6C', 4.5], ['6C+', 5], ['7A', 6], ['7A+', 7], ['7B', 8], ['7B+', 8.5], ['7C', 9],
  ['7C+', 10], ['8A', 11], ['8A+', 12], ['8B', 13], ['8B+', 14], ['8C', 15], ['8C+', 16], ['9A', 17],
];
// biome-ignore format: a conversion table reads best as a table
const V_SCALE: Array<[string, number]> = [['VB', -1], ...Array.from({ length: 18 }, (_, v): [string, number] => [`V${v}`, v])];
// biome-ignore format: a conversion table reads best as a table
const COLOR_CIRCUIT: Array<[string, number]> = [
  ['white', -1], ['yellow', 0.5], ['orange', 1.5], ['green', 2.5], ['blue', 3.5], ['red', 5], ['purple', 6.5], ['black', 8],
];

export const GRADES: Record<GradeScale, ReadonlyArray<[string, number]>> = {
  font: FONT,
  v_scale: V_SCALE,
  color_circuit: COLOR_CIRCUIT,
};

export interface NormalizedGrade {
  /** The grade as the scale writes it (`6a+` → `6A+`, `v4` → `V4`, `Blue` → `blue`). */
  value: string;
  /** Difficulty on the shared ordering (V-scale equivalent). */
  rank: number;
}

/** Normalises a grade of a scale, or returns undefined when the scale has no such grade. */
export function normalizeGrade(scale: GradeScale, value: string): NormalizedGrade | undefined {
  const wanted = value.trim().toLowerCase();
  const found = GRADES[scale].find(([grade]) => grade.toLowerCase() === wanted);
  return found ? { value: found[0], rank: found[1] } : undefined;
}

/** The allowed grades of each scale, easiest first. */
export function gradeVocabulary(): Record<GradeScale, string[]> {
  return {
    font: FONT.map(([grade]) => grade),
    v_scale: V_SCALE.map(([grade]) => grade),
    color_circuit: COLOR_CIRCUIT.map(([grade]) => grade),
  };
}
