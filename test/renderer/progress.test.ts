// The issuing screen's reading of the service's step events.
import { describe, expect, it } from 'vitest';
import { cancellable, progressShare, shownSteps } from '../../src/renderer/src/flow/progress';

const state = (steps: Parameters<typeof shownSteps>[0], key: string) => shownSteps(steps).find((s) => s.key === key)?.state;

describe('issuing progress', () => {
  it('shows five steps, all waiting before the first event', () => {
    expect(shownSteps({})).toEqual(['generateKey', 'send', 'verify', 'install', 'removeOld'].map((key) => ({ key, state: 'pending' })));
  });

  it('a grouped step runs from its first part until its last is done; a failure anywhere in it shows', () => {
    expect(state({ buildRequest: 'done' }, 'send')).toBe('running');
    expect(state({ buildRequest: 'done', send: 'running' }, 'send')).toBe('running');
    expect(state({ buildRequest: 'done', send: 'done' }, 'send')).toBe('done');
    expect(state({ install: 'done', verifyInStore: 'failed' }, 'install')).toBe('failed');
    expect(state({ removeOld: 'skipped' }, 'removeOld')).toBe('skipped');
    expect(state({ install: 'done', verifyInStore: 'skipped' }, 'install')).toBe('done');
  });

  it("the bank failing while the key is made (the core's events, test/renewal/step-blame): the send line fails, the key's is done", () => {
    const lines = shownSteps({ generateKey: 'done', send: 'failed' }).map((l) => `${l.key}:${l.state}`);
    expect(lines).toEqual(['generateKey:done', 'send:failed', 'verify:pending', 'install:pending', 'removeOld:pending']);
  });

  it('counts done and skipped service steps out of seven', () => {
    expect(progressShare({})).toEqual({ finished: 0, total: 7 });
    expect(progressShare({ generateKey: 'done', buildRequest: 'done', send: 'running', removeOld: 'skipped' })).toEqual({ finished: 3, total: 7 });
  });

  it('中止 is possible until the new certificate starts going into the store', () => {
    expect(cancellable({})).toBe(true);
    expect(cancellable({ generateKey: 'done', send: 'running', verify: 'done' })).toBe(true);
    expect(cancellable({ install: 'running' })).toBe(false);
    expect(cancellable({ verifyInStore: 'skipped' })).toBe(false);
    expect(cancellable({ removeOld: 'failed' })).toBe(false);
  });
});
