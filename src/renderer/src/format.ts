// The window formats dates and hex as the command line and the export do: one formatter, in src/shared.
export { formatDay, formatInstant, formatInstantDay, groupHex } from '../../shared/format';
