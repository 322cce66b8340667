// The CoreError a promise rejects with, for tests of every layer.
import { expect } from 'vitest';
import { CoreError } from '../../src/main/core/errors';

/** The CoreError `p` rejects with; fails the test if it resolves or throws anything else. */
export async function caught(p: Promise<unknown>): Promise<CoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return e as CoreError;
  }
  throw new Error('expected a CoreError');
}
