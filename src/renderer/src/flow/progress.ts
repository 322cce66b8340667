// What the issuing screen reads from the service's step events: the five steps the user
// sees, how far along the run is, and whether 中止 is still safe. Pure.
import { STEP_IDS, type StepId, type StepState } from '../../../shared/contract';

export type Steps = Partial<Record<StepId, StepState>>;

/** The five steps the user reads; each groups one or two of the service's steps. */
const SHOWN_STEPS: ReadonlyArray<{ key: string; steps: readonly StepId[] }> = [
  { key: 'generateKey', steps: ['generateKey'] },
  { key: 'send', steps: ['buildRequest', 'send'] },
  { key: 'verify', steps: ['verify'] },
  { key: 'install', steps: ['install', 'verifyInStore'] },
  { key: 'removeOld', steps: ['removeOld'] },
];

function combine(states: StepState[]): StepState {
  if (states.includes('failed')) return 'failed';
  if (states.includes('running')) return 'running';
  if (states.every((s) => s === 'skipped')) return 'skipped';
  if (states.every((s) => s === 'done' || s === 'skipped')) return 'done';
  if (states.some((s) => s === 'done')) return 'running';
  return 'pending';
}

export function shownSteps(steps: Steps): Array<{ key: string; state: StepState }> {
  return SHOWN_STEPS.map(({ key, steps: ids }) => ({ key, state: combine(ids.map((id) => steps[id] ?? 'pending')) }));
}

/** Finished service steps (done or skipped) out of all of them. */
export function progressShare(steps: Steps): { finished: number; total: number } {
  return { finished: STEP_IDS.filter((s) => steps[s] === 'done' || steps[s] === 'skipped').length, total: STEP_IDS.length };
}

/** Cancelling is safe until the new certificate starts going into the store. */
export function cancellable(steps: Steps): boolean {
  return (['install', 'verifyInStore', 'removeOld'] as const).every((s) => (steps[s] ?? 'pending') === 'pending');
}
