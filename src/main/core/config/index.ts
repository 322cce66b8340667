export { fallbackPolicy, loadPolicy, parsePolicy, policyPath, storeOf, type LoadedPolicy } from './policy';
export { openSettings, userDataDir, type Settings } from './settings';
