// The window's one store: the machine's state for rendering, a dispatch for the screens, and
// the runner behind it. Subscribes to the main process's events for as long as App lives.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { setLanguage } from '../i18n';
import { initialState, transition, type FlowEvent, type FlowState } from './machine';
import { run } from './run';

export function useFlow(): [FlowState, (event: FlowEvent) => void] {
  // The ref is the truth between renders: two events in one tick must see each other.
  const current = useRef<FlowState>(initialState);
  const [state, setState] = useState<FlowState>(initialState);
  const dispatch = useCallback((event: FlowEvent) => {
    const step = transition(current.current, event);
    current.current = step.state;
    setState(step.state);
    if (step.command) void run({ api: api(), setLanguage }, step.command, dispatch);
  }, []);
  useEffect(() => {
    const offProgress = api().on('progress', (event) => dispatch({ type: 'progress', event }));
    const offReminder = api().on('reminder', (e) => dispatch({ type: 'reminder', daysLeft: e.daysLeft, fingerprint: e.fingerprint }));
    const offLaunch = api().on('launch', (request) => dispatch({ type: 'launched', request }));
    dispatch({ type: 'opened' });
    return () => {
      offProgress();
      offReminder();
      offLaunch();
    };
  }, [dispatch]);
  return [state, dispatch];
}
