// The catalogs live in src/shared/i18n: the command line reads the same words.
export { en } from '../../../shared/i18n/en';
