export { fallbackPolicy, parsePolicy, policyPath, storeOf, type LoadedPolicy } from './policy';
export { loadPolicy } from './load';
export { openSettings, userDataDir, type Settings } from './settings';
