export { loadPolicy, parsePolicy, policyPath, type LoadedPolicy } from './policy';
export { openSettings, userDataDir, type Settings } from './settings';
