// The user's settings as the contract shows them: the policy's fields are managed, the
// language is the user's unless the policy sets it.
import type { BankPage, SettingsPatch, SettingsView } from '../../../shared/contract';
import { CoreError } from '../errors';
import type { RenewalDeps } from './types';

type SettingsDeps = Pick<RenewalDeps, 'policy' | 'managed' | 'settings'>;

/** The bank pages openBankSite can open under this policy (the login page falls back to the site). */
export function bankPagesOf(policy: SettingsDeps['policy']): BankPage[] {
  const pages: BankPage[] = [];
  if (policy.bankLoginUrl ?? policy.bankSiteUrl) pages.push('login');
  if (policy.newPcGuideUrl) pages.push('newPc');
  if (policy.bankSiteUrl) pages.push('site');
  return pages;
}

export function settingsView(deps: SettingsDeps): SettingsView {
  const policyLang = (deps.managed ?? []).includes('language');
  const { support } = deps.policy;
  return {
    language: policyLang ? deps.policy.language : (deps.settings.get('language') ?? deps.policy.language),
    endpoint: deps.policy.endpoint,
    bankName: deps.policy.bankName,
    remindersAtLogin: deps.settings.get('remindersAtLogin') ?? true,
    managed: ['endpoint', 'bankName', ...(policyLang ? (['language'] as const) : [])],
    // Copied field by field: the view carries what the screens show, nothing else of the policy.
    ...(support ? { support: { name: support.name, ...pick(support, ['phone', 'hours', 'url', 'email']) } } : {}),
    bankPages: bankPagesOf(deps.policy),
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

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
