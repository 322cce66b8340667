// Where a JSON text stops being JSON, as a line and a column and our own words. JSON.parse's
// messages quote the text around the error (and differ between V8 versions): a policy that is
// a symlink to a secret file would put the secret in the message. jsonc-parser (VS Code's)
// finds the error, strictly (no comments, no trailing commas); this module only names it, and
// never quotes the text. It runs only after JSON.parse has refused the text.
import { createScanner, printParseErrorCode, visit } from 'jsonc-parser';

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in characters (a Japanese character is one column, as in an editor). */
  column: number;
  what: string;
}

/** jsonc-parser recurses per level; deeper than this (a policy needs a few) is named as such. */
const MAX_DEPTH = 1000;
const BAD_ESCAPE = /\\(?:u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])/;

function position(text: string, offset: number, what: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (text.charCodeAt(i) === 10) line++;
  return { line, column: [...before.slice(lineStart)].length + 1, what };
}

/** Our words for jsonc-parser's first error: `open` is the innermost { or [ around it, `done` whether the root value had ended. */
function describe(text: string, code: string, offset: number, length: number, open: string | undefined, done: boolean): JsonSyntaxError {
  const at = (what: string, o = offset) => position(text, o, what);
  const token = text.slice(offset, offset + length);
  switch (code) {
    case 'UnexpectedEndOfString': {
      const end = offset + length;
      return end < text.length ? at('a control character (a line break or tab) inside a string: write it as \\n or \\t', end) : at('a string that starts here is not closed');
    }
    case 'InvalidCharacter': {
      let i = 0;
      while (i < token.length - 1 && token.charCodeAt(i) >= 0x20) i++;
      return at('a control character (a line break or tab) inside a string: write it as \\n or \\t', offset + i);
    }
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return at('an invalid escape (\\) inside a string', offset + Math.max(0, token.search(BAD_ESCAPE)));
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return at('a comment (JSON allows none)');
  }
  if (/^[ \t\n\r]*$/.test(text.slice(offset))) return at('the text ends before the document does (a missing } or ] or value?)');
  // jsonc-parser has closed the object or array (onObjectEnd) before it names the missing bracket.
  if (code === 'CloseBraceExpected') return at("expected ',' or '}'");
  if (code === 'CloseBracketExpected') return at("expected ',' or ']'");
  if (done) return at('more text after the end of the document');
  const c = text[offset];
  switch (code) {
    case 'ColonExpected':
      return at("expected ':' after the field name");
    case 'CommaExpected':
      return at(open === '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    case 'PropertyNameExpected':
      return at(c === '}' ? "a comma before '}' (JSON allows none)" : 'expected a field name in double quotes');
  }
  // An unknown word or a misplaced bracket: where a field name belongs (after { or a comma in an object), or a value.
  const prev = text.slice(0, offset).trimEnd().slice(-1);
  if (open === '{' && (prev === '{' || prev === ',')) return at('expected a field name in double quotes');
  if (c === ']' && open === '[') return at("a comma before ']' (JSON allows none)");
  return at('expected a value (an object, array, "string", number, true, false or null)');
}

/** Where nesting passes MAX_DEPTH, found without recursion. */
function tooDeep(text: string): JsonSyntaxError {
  const scanner = createScanner(text, true);
  let depth = 0;
  // Token by token (SyntaxKind is a const enum, out of reach with isolatedModules: the first character tells a bracket).
  for (scanner.scan(); scanner.getTokenOffset() < text.length; scanner.scan()) {
    const c = text[scanner.getTokenOffset()];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    if (depth > MAX_DEPTH) return position(text, scanner.getTokenOffset(), `more than ${MAX_DEPTH} levels of { or [ inside each other`);
  }
  return position(text, text.length, `more than ${MAX_DEPTH} levels of { or [ inside each other`);
}

/** The first syntax error in `text`, or null when it is JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const open: string[] = [];
  let done = false;
  let found: JsonSyntaxError | null = null;
  const close = () => {
    open.pop();
    done ||= open.length === 0;
  };
  try {
    visit(
      text,
      {
        onObjectBegin: () => void open.push('{'),
        onArrayBegin: () => void open.push('['),
        onObjectEnd: close,
        onArrayEnd: close,
        onLiteralValue: () => void (done ||= open.length === 0),
        onError: (code, offset, length) => void (found ??= describe(text, printParseErrorCode(code), offset, length, open[open.length - 1], done)),
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (err) {
    if (err instanceof RangeError) return tooDeep(text);
    throw err;
  }
  return found;
}
