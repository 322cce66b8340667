import type { ErrorCode } from '../../../shared/contract';

/** What the error panel says for one code; {{field}} and {{date}} come from the error's detail. */
export interface ErrorTexts {
  title: string;
  happened: string;
  todo: string;
}

/** One entry per ErrorCode: a code added to the contract without its texts does not compile. */
export type ErrorCatalog = Record<ErrorCode, ErrorTexts>;
