// Where a JSON text stops being JSON, as a line and a column and our own words. JSON.parse's
// messages quote the text around the error (and differ between V8 versions): a policy that is
// a symlink to a secret file would put the secret in the message. This scanner runs only after
// JSON.parse has refused the text; it never quotes it. Iterative, so deep nesting cannot
// overflow the stack.

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in characters (a Japanese character is one column, as in an editor). */
  column: number;
  what: string;
}

type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

function position(text: string, offset: number, what: string): JsonSyntaxError {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (text.charCodeAt(i) === 10) line++;
  return { line, column: [...before.slice(lineStart)].length + 1, what };
}

/** The first syntax error in `text`, or null when it is JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const stack: Array<'{' | '['> = [];
  let state: State = 'value';
  const fail = (what: string, at = i) => position(text, at, what);
  const after = (): State => (stack.length ? 'commaOrClose' : 'end');
  /** At a quote: past the string, or what is wrong with it. */
  const string = (): JsonSyntaxError | null => {
    const start = i++;
    for (;;) {
      if (i >= text.length) return fail('a string that starts here is not closed', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail('a control character (a line break or tab) inside a string: write it as \\n or \\t');
      if (c === 0x5c) {
        const e = text[i + 1] ?? '';
        if (e && ESCAPES.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return fail('an invalid escape (\\) inside a string');
      } else i++;
    }
  };

  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    if (i >= text.length) return state === 'end' ? null : fail('the text ends before the document does (a missing } or ] or value?)');
    const c = text[i]!;
    switch (state) {
      case 'end':
        return fail('more text after the end of the document');
      case 'colon':
        if (c !== ':') return fail("expected ':' after the field name");
        i++;
        state = 'value';
        break;
      case 'commaOrClose': {
        const top = stack[stack.length - 1]!;
        if (c === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
        } else if (c === (top === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          state = after();
        } else return fail(top === '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
      }
      case 'keyOrClose':
      case 'key': {
        if (c === '}' && state === 'keyOrClose') {
          i++;
          stack.pop();
          state = after();
          break;
        }
        if (c !== '"') return fail(c === '}' ? "a comma before '}' (JSON allows none)" : 'expected a field name in double quotes');
        const e = string();
        if (e) return e;
        state = 'colon';
        break;
      }
      case 'valueOrClose':
      case 'value': {
        if (c === ']' && state === 'valueOrClose') {
          i++;
          stack.pop();
          state = after();
          break;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          state = c === '{' ? 'keyOrClose' : 'valueOrClose';
          break;
        }
        if (c === '"') {
          const e = string();
          if (e) return e;
          state = after();
          break;
        }
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        NUMBER.lastIndex = i;
        const len = word?.length ?? NUMBER.exec(text)?.[0].length ?? 0;
        if (!len) return fail(c === ']' && stack[stack.length - 1] === '[' ? "a comma before ']' (JSON allows none)" : 'expected a value (an object, array, "string", number, true, false or null)');
        i += len;
        state = after();
        break;
      }
    }
  }
}
