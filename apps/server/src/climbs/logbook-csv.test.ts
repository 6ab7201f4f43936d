import type { Climb } from '@crux/contracts';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { CSV_COLUMNS, climbsToCsv, parseClimbsCsv } from './logbook-csv.ts';

const climb: Climb = {
  id: '00000000-0000-4000-8000-000000000001',
  location: 'Bas Cuvier, "La Marie-Rose"',
  climb_type: 'boulder',
  grade_scale: 'font',
  grade_value: '6A',
  grade_rank: 2,
  outcome: 'Fail',
  awkwardness: 4,
  style: ['Slab', 'Crimp'],
  failure_reasons: ['Bad Feet'],
  notes: 'Two lines,\nwith a comma',
  hold_color: null,
  redemption_at: null,
  created_at: '2026-10-01T18:00:00.000Z',
};

const HEADER = CSV_COLUMNS.join(',');

function fileError(text: string): AppError {
  try {
    parseClimbsCsv(text, 10);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('climbsToCsv', () => {
  it('writes a header row, joins lists with ; and quotes what needs quoting', () => {
    expect(climbsToCsv([climb])).toBe(
      `${HEADER}\n` +
        '00000000-0000-4000-8000-000000000001,2026-10-01T18:00:00.000Z,"Bas Cuvier, ""La Marie-Rose""",' +
        'boulder,font,6A,2,Fail,4,Slab;Crimp,Bad Feet,,,"Two lines,\nwith a comma"\n',
    );
  });

  it('writes only the header for an empty logbook', () => {
    expect(climbsToCsv([])).toBe(`${HEADER}\n`);
  });

  it('keeps spreadsheets from running text as a formula', () => {
    const csv = climbsToCsv([
      { ...climb, location: '=HYPERLINK("x")', notes: "-fell off, 'twice'", hold_color: '@red' },
    ]);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain(`"'-fell off, 'twice'"`);
    expect(csv).toContain(`,'@red,`);
  });
});

describe('parseClimbsCsv', () => {
  it('reads back what the export wrote, leaving id and grade_rank to the server', () => {
    const tricky = { ...climb, location: "'quoted' =sum", notes: '+1 move', hold_color: 'pink' };
    const rows = parseClimbsCsv(climbsToCsv([climb, tricky]), 10);
    expect(rows).toEqual([
      {
        row: 2,
        fields: {
          created_at: '2026-10-01T18:00:00.000Z',
          location: climb.location,
          climb_type: 'boulder',
          grade_scale: 'font',
          grade_value: '6A',
          outcome: 'Fail',
          awkwardness: 4,
          style: ['Slab', 'Crimp'],
          failure_reasons: ['Bad Feet'],
          notes: climb.notes,
        },
      },
      {
        row: 3,
        fields: expect.objectContaining({ location: "'quoted' =sum", notes: '+1 move', hold_color: 'pink' }),
      },
    ]);
  });

  it('takes the columns in any order and case, with a BOM, CRLF line ends and blank lines', () => {
    const text =
      '\uFEFFOutcome, grade_value ,grade_scale,climb_type,location,style\r\n\r\nSent,V3,v_scale,boulder,Gym,\r\n';
    expect(parseClimbsCsv(text, 10)).toEqual([
      {
        row: 2,
        fields: {
          outcome: 'Sent',
          grade_value: 'V3',
          grade_scale: 'v_scale',
          climb_type: 'boulder',
          location: 'Gym',
          style: [],
        },
      },
    ]);
  });

  it('leaves empty optional cells out and keeps odd values for validation to refuse', () => {
    const text =
      'location,climb_type,grade_scale,grade_value,outcome,awkwardness,created_at,redemption_at\n' +
      ',sport,font,6a,Fail,,,\nGym,sport,font,6a,Fail,three,,\n';
    expect(parseClimbsCsv(text, 10)).toEqual([
      {
        row: 2,
        fields: {
          location: '',
          climb_type: 'sport',
          grade_scale: 'font',
          grade_value: '6a',
          outcome: 'Fail',
        },
      },
      {
        row: 3,
        fields: {
          location: 'Gym',
          climb_type: 'sport',
          grade_scale: 'font',
          grade_value: '6a',
          outcome: 'Fail',
          awkwardness: 'three',
        },
      },
    ]);
  });

  it('reports a row with the wrong number of cells as that row', () => {
    const text = 'location,climb_type,grade_scale,grade_value,outcome\nGym,boulder,v_scale,V1\n';
    expect(parseClimbsCsv(text, 10)).toEqual([{ row: 2, error: 'the row has 4 cells, the header 5' }]);
  });

  it('reads a header alone as no climbs', () => {
    expect(parseClimbsCsv(`${HEADER}\n`, 10)).toEqual([]);
  });

  it.each([
    ['an empty body', '', /empty/],
    [
      'an unknown column',
      'location,climb_type,grade_scale,grade_value,outcome,colour\n',
      /Unknown column\(s\): "colour"/,
    ],
    [
      'a repeated column',
      'location,climb_type,grade_scale,grade_value,outcome,notes,Notes\n',
      /Repeated column\(s\): notes/,
    ],
    ['a missing column', 'location,climb_type,grade_value,outcome\n', /Missing column\(s\): grade_scale/],
    [
      'a quote left open',
      'location,climb_type,grade_scale,grade_value,outcome\n"Gym,boulder\n',
      /not valid CSV/,
    ],
  ])('refuses %s as a whole', (_name, text, message) => {
    const error = fileError(text);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(message);
  });

  it('refuses more rows than the cap', () => {
    const text = `location,climb_type,grade_scale,grade_value,outcome\n${'Gym,boulder,v_scale,V1,Sent\n'.repeat(11)}`;
    expect(fileError(text).code).toBe('payload_too_large');
    expect(parseClimbsCsv(text, 11)).toHaveLength(11);
  });
});
