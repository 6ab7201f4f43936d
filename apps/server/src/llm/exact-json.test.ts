import { describe, expect, it } from 'vitest';
import { parseJsonExact, toDecimalString } from './exact-json.ts';

describe('exact money parsing', () => {
  it('keeps a cost in exponent notation exact', () => {
    expect(parseJsonExact('{"usage":{"cost":4e-7}}')).toEqual({ usage: { cost: '0.0000004' } });
  });

  it('keeps more digits than a float holds', () => {
    const parsed = parseJsonExact('{"cost":0.12345678901234567890123}') as { cost: string };
    expect(parsed.cost).toBe('0.12345678901234567890123');
  });

  it('leaves other numbers alone', () => {
    expect(parseJsonExact('{"prompt_tokens":12,"data":{"total_cost":12.3456789}}')).toEqual({
      prompt_tokens: 12,
      data: { total_cost: '12.3456789' },
    });
  });

  it('normalises decimal strings', () => {
    expect(toDecimalString('1.2e-9')).toBe('0.0000000012');
    expect(toDecimalString('3')).toBe('3');
  });
});
