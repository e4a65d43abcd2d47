import { describe, expect, it } from 'vitest';
import { ConflictError, DecodeError, InvalidIndexError, NoDBError, TimeoutError } from '../../src/index.js';

describe('NoDBError', () => {
  it('subclasses carry name and code', () => {
    const error = new ConflictError('changed', { key: 'k', status: 412, s3Code: 'PreconditionFailed' });
    expect(error.name).toBe('ConflictError');
    expect(error.code).toBe('CONFLICT');
    expect(error).toMatchObject({ key: 'k', status: 412, s3Code: 'PreconditionFailed' });
    expect(error).toBeInstanceOf(NoDBError);
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps the cause', () => {
    const cause = new TypeError('fetch failed');
    expect(new DecodeError('bad', { cause }).cause).toBe(cause);
  });

  it('is() matches by instance', () => {
    expect(ConflictError.is(new ConflictError('x'))).toBe(true);
    expect(ConflictError.is(new DecodeError('x'))).toBe(false);
    expect(NoDBError.is(new InvalidIndexError('x'))).toBe(true);
  });

  it('is() matches errors from another realm by name', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ConflictError', code: 'CONFLICT' });
    expect(ConflictError.is(foreign)).toBe(true);
    expect(NoDBError.is(foreign)).toBe(true);
    expect(NoDBError.is(Object.assign(new Error('x'), { name: 'TypeError', code: 'CONFLICT' }))).toBe(false);
    expect(ConflictError.is(null)).toBe(false);
    expect(ConflictError.is('ConflictError')).toBe(false);
  });

  it('is() ignores DOMException namesakes', () => {
    const callerTimeout = new DOMException('The operation timed out.', 'TimeoutError');
    expect(TimeoutError.is(callerTimeout)).toBe(false);
    expect(NoDBError.is(callerTimeout)).toBe(false);
    expect(TimeoutError.is(new TimeoutError('ours'))).toBe(true);
  });
});
