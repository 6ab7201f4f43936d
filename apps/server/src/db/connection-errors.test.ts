import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.ts';
import { connectionProblem, describeTarget, isTransientDbError } from './connection-errors.ts';

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

describe('isTransientDbError', () => {
  it.each([
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a server shutting down', pgError('57P01', 'terminating connection due to administrator command')],
    ['a serialization failure', pgError('40001', 'could not serialize access')],
    ['a deadlock', pgError('40P01', 'deadlock detected')],
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['a busy pool', pgError('server_busy', 'The server is busy')],
  ])('calls %s transient', (_, error) => {
    expect(isTransientDbError(error)).toBe(true);
  });

  it.each([
    ['a foreign key violation', pgError('23503', 'violates foreign key constraint')],
    ['a bad uuid', pgError('22P02', 'invalid input syntax for type uuid: "x"')],
    ['a bug in a statement', pgError('42703', 'column "nope" does not exist')],
    ['a bad record', new TypeError("Cannot read properties of undefined (reading 'status')")],
  ])('calls %s permanent', (_, error) => {
    expect(isTransientDbError(error)).toBe(false);
  });
});
