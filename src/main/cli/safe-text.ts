// What the command line prints from outside (certificate fields, the bank's messages, error
// messages, file names, the user's own arguments) goes through here: a certificate whose CN
// carries ESC[2J would otherwise clear the helpdesk's screen, and a right-to-left override
// would show a different name than the one there. Control characters are shown escaped
// (ESC as \x1b, U+202E as \u202e), never interpreted.

// C0, DEL, C1; the bidi embeddings, overrides and isolates; the line and paragraph separators.
// eslint-disable-next-line no-control-regex -- control characters are what this module finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- as above, \n excepted
const UNSAFE_KEEP_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// Inside JSON strings: JSON.stringify escapes C0 but leaves DEL, C1 and the bidi controls raw.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');
const shown = (c: string) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** One value from outside, on one line: every control character escaped, line breaks included. */
export function safe(text: string): string {
  return text.replace(UNSAFE, shown);
}

/** Text from outside whose line breaks are meant (a PEM, a multi-line message): the rest escaped. */
export function safeLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINE, shown);
}

/** JSON.stringify, with the controls it leaves raw written as \u escapes: the same value when parsed. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}
