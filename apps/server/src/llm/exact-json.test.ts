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

  it('keeps a cost exact when its key is written with a unicode escape', () => {
    expect(parseJsonExact('{"usage":{"\\u0063ost":1.0000000000000000001}}')).toEqual({
      usage: { cost: '1.0000000000000000001' },
    });
  });

  it('parses a chunk without money as plain JSON', () => {
    const chunk = '{"choices":[{"delta":{"content":"a \\"cost\\" of 0.1"}}],"costs":0.30000000000000004}';
    expect(parseJsonExact(chunk)).toEqual({
      choices: [{ delta: { content: 'a "cost" of 0.1' } }],
      costs: 0.30000000000000004,
    });
  });

  it('keeps exact the keys it is given, read literally', () => {
    expect(parseJsonExact('{"a.b":0.10000000000000000001,"axb":0.5}', new Set(['a.b']))).toEqual({
      'a.b': '0.10000000000000000001',
      axb: 0.5,
    });
    expect(parseJsonExact('{"axb":0.10000000000000000001}', new Set(['a.b']))).toEqual({ axb: 0.1 });
  });

  it('normalises decimal strings', () => {
    expect(toDecimalString('1.2e-9')).toBe('0.0000000012');
    expect(toDecimalString('3')).toBe('3');
  });
});
