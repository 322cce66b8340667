// The catalogs live in src/shared/i18n: the command line reads the same words.
export { ja } from '../../../shared/i18n/ja';
