// The error texts live in src/shared (the command line and the export use them too).
export type { ErrorCatalog, ErrorTexts } from '../../../shared/error-texts';
