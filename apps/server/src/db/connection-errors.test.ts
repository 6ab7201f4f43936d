import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.ts';
import { connectionProblem, describeTarget } from './connection-errors.ts';

const URL = 'postgres://crux:s3cret-pw@db.example.com:6543/coach';
const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('connectionProblem', () => {
  it('describes the target without the password', () => {
    expect(describeTarget(URL)).toBe('crux@db.example.com:6543/coach');
  });

  it.each([
    ['ECONNREFUSED', /nothing accepts connections at crux@db\.example\.com:6543\/coach/],
    ['ENOTFOUND', /host "db\.example\.com" is unknown/],
    ['28P01', /password was refused/],
    ['3D000', /database "coach" does not exist.*createdb coach/],
    ['28000', /refused this user/],
  ])('turns %s into a DATABASE_URL configuration error', (code, message) => {
    const problem = connectionProblem(pgError(code), URL);
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(problem?.problems[0]).toMatch(message);
    expect(problem?.message).not.toContain('s3cret-pw');
  });

  it('names a server that never answers, and leaves other errors alone', () => {
    expect(
      connectionProblem(new Error('Connection terminated due to connection timeout'), URL)?.problems[0],
    ).toMatch(/did not answer as a Postgres server in time/);
    expect(connectionProblem(pgError('42P01', 'relation does not exist'), URL)).toBeUndefined();
  });
});
