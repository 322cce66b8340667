// The user's settings as the contract shows them: the policy's fields are managed, the
// language is the user's unless the policy sets it.
import type { SettingsPatch, SettingsView } from '../../../shared/contract';
import { CoreError } from '../errors';
import type { RenewalDeps } from './types';

type SettingsDeps = Pick<RenewalDeps, 'policy' | 'managed' | 'settings'>;

export function settingsView(deps: SettingsDeps): SettingsView {
  const policyLang = (deps.managed ?? []).includes('language');
  return {
    language: policyLang ? deps.policy.language : (deps.settings.get('language') ?? deps.policy.language),
    endpoint: deps.policy.endpoint,
    bankName: deps.policy.bankName,
    remindersAtLogin: deps.settings.get('remindersAtLogin') ?? true,
    managed: ['endpoint', 'bankName', ...(policyLang ? (['language'] as const) : [])],
  };
}

export function updateSettings(deps: SettingsDeps, patch: SettingsPatch): SettingsView {
  if (patch.language !== undefined) {
    if (settingsView(deps).managed.includes('language')) throw new CoreError('INVALID_INPUT', 'The language is set by your organisation\'s policy.', { field: 'language' });
    deps.settings.set('language', patch.language);
  }
  if (patch.remindersAtLogin !== undefined) deps.settings.set('remindersAtLogin', patch.remindersAtLogin);
  return settingsView(deps);
}
