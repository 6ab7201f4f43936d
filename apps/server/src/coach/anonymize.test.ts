import { describe, expect, it } from 'vitest';
import { classifyLocation, scrubText } from './anonymize.ts';

const names = { homeGym: 'Boulder Barn', locations: ['Fontainebleau', 'Bas Cuvier', 'Boulder Barn'] };

describe('anonymisation', () => {
  it('removes e-mails, URLs, phone numbers and the climber’s own place names', () => {
    const text =
      'Mail me at jo.climber+beta@example.org or call +44 20 7946 0958, beta on https://youtu.be/xyz. ' +
      'Failed at bas cuvier again, easier at the Boulder Barn. Fontainebleau trip next month.';
    const scrubbed = scrubText(text, names);
    expect(scrubbed).not.toMatch(/example\.org|7946|youtu|cuvier|Boulder Barn|Fontainebleau/i);
    expect(scrubbed).toContain('[email]');
    expect(scrubbed).toContain('[phone]');
    expect(scrubbed).toContain('[link]');
    expect(scrubbed).toContain('[location]');
    expect(scrubbed).toContain('[gym]');
  });

  it('keeps grades, numbers of moves and times', () => {
    expect(scrubText('Fell on move 3 of a 7A, rested 3 min', names)).toBe(
      'Fell on move 3 of a 7A, rested 3 min',
    );
  });

  it('classifies locations as indoor gym or outdoor crag', () => {
    const base = { grade_scale: 'font' as const, hold_color: null };
    expect(classifyLocation({ ...base, location: 'boulder barn' }, 'Boulder Barn')).toBe('indoor_gym');
    expect(classifyLocation({ ...base, location: 'Castle Climbing Centre' }, null)).toBe('indoor_gym');
    expect(classifyLocation({ ...base, location: 'Anywhere', grade_scale: 'color_circuit' }, null)).toBe(
      'indoor_gym',
    );
    expect(classifyLocation({ ...base, location: 'Bas Cuvier' }, 'Boulder Barn')).toBe('outdoor_crag');
  });
});
