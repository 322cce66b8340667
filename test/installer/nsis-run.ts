// Runs build/installer.nsh's own text: a small interpreter of the NSIS instructions the include
// uses, with NSIS's string limit (every string and variable holds at most NSIS_MAX_STRLEN - 1
// characters, as exehead's buffers do), and a stand-in for the registry that answers
// ReadRegStr / EnumRegValue / EnumRegKey as NSIS 3's Source/exehead/exec.c does over
// RegQueryValueEx and RegEnumValue. Windows cannot run here; makensis compiles the same text
// (test/installer/nsis-include.test.ts). Anything the interpreter does not know is an error,
// never skipped, so a new instruction in the include fails the tests until it is modelled.

export type RegType = 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_DWORD' | 'REG_MULTI_SZ' | 'REG_BINARY';
export interface RegValue {
  type: RegType;
  data: string;
  /** Stored with its final NUL (as Windows' own tools store strings); false: without. */
  nul?: boolean;
}
interface RegKey { name: string; values: Map<string, { name: string; value: RegValue }>; denyRead?: boolean }

/** HKLM / HKCU keys by path, values in the order they were written (RegEnumValue's order). */
export class Registry {
  private readonly keys = new Map<string, RegKey>();
  private id = (root: string, sub: string) => `${root}\\${sub}`.toLowerCase();

  key(root: string, sub: string, create = false): RegKey | undefined {
    const k = this.keys.get(this.id(root, sub));
    if (k || !create) return k;
    const made: RegKey = { name: sub, values: new Map() };
    this.keys.set(this.id(root, sub), made);
    return made;
  }
  set(root: string, sub: string, name: string, value: RegValue): void {
    this.key(root, sub, true)!.values.set(name.toLowerCase(), { name, value });
  }
  get(root: string, sub: string, name: string): RegValue | undefined {
    return this.key(root, sub)?.values.get(name.toLowerCase())?.value;
  }
  deleteValue(root: string, sub: string, name: string): void {
    this.key(root, sub)?.values.delete(name.toLowerCase());
  }
  deleteKey(root: string, sub: string): void {
    const prefix = this.id(root, sub);
    for (const k of [...this.keys.keys()]) if (k === prefix || k.startsWith(prefix + '\\')) this.keys.delete(k);
  }
  subkeys(root: string, sub: string): string[] {
    const prefix = this.id(root, sub) + '\\';
    return [...this.keys.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('\\')).map((k) => k.slice(prefix.length));
  }
  denyRead(root: string, sub: string): void {
    this.key(root, sub, true)!.denyRead = true;
  }
}

export interface RunOptions {
  maxStrlen: number;
  registry: Registry;
  vars?: Record<string, string>;
  /** nsExec::ExecToLog: the exit code for a command line (pushed as NSIS does). */
  exec?: (command: string) => number;
  uninstaller?: boolean;
}
export interface RunResult { details: string[]; execs: string[]; dirs: string[]; broadcasts: number; context: string }

interface Ins { op: string; args: string[]; line: string }
type Cond = { kind: 'cmp'; a: string; op: string; b: string } | { kind: 'errors' };

const LOGICLIB = new Set(['If', 'IfNot', 'AndIf', 'Else', 'EndIf', 'Errors']);
const PREDEFINED: Record<string, string> = { HWND_BROADCAST: '0xFFFF', WM_SETTINGCHANGE: '0x001A' };

/** Splits an NSIS line into tokens: "…", '…' and `…` quote; quotes are removed. */
export function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i]!)) { i++; continue; }
    const q = line[i]!;
    if (q === '"' || q === "'" || q === '`') {
      const end = line.indexOf(q, i + 1);
      if (end < 0) throw new Error(`unterminated quote: ${line}`);
      out.push(line.slice(i + 1, end));
      i = end + 1;
      if (i < line.length && !/\s/.test(line[i]!)) throw new Error(`text right after a quote: ${line}`);
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j]!)) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The preprocessor: !define (/math), !ifdef/!ifndef/!else/!endif, !macro/!insertmacro. */
class Compiler {
  defines = new Map<string, string>();
  macros = new Map<string, { params: string[]; body: string[] }>();
  functions = new Map<string, Ins[]>();
  private current: { name: string; code: Ins[] } | undefined;
  private ifs: boolean[] = [];
  private macroBody: { name: string; params: string[]; body: string[] } | undefined;
  private label = 0;
  private logic: Array<{ else: string; end: string; hasElse: boolean }> = [];

  constructor(defines: Record<string, string>) {
    for (const [k, v] of Object.entries({ ...PREDEFINED, ...defines })) this.defines.set(k, v);
  }

  private expandDefines(line: string): string {
    let prev: string;
    do {
      prev = line;
      line = line.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => {
        if (this.defines.has(name)) return this.defines.get(name)!;
        if (LOGICLIB.has(name)) return m;
        throw new Error(`undefined \${${name}}`);
      });
    } while (line !== prev);
    return line;
  }

  feed(lines: string[], out?: Ins[]): void {
    for (const raw of lines) {
      const trimmed = raw.trim();
      if (this.macroBody) {
        if (trimmed === '!macroend') {
          this.macros.set(this.macroBody.name, { params: this.macroBody.params, body: this.macroBody.body });
          this.macroBody = undefined;
        } else this.macroBody.body.push(raw);
        continue;
      }
      if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) continue;
      const t0 = tokens(trimmed);
      const d = t0[0]!;
      if (d === '!ifdef' || d === '!ifndef') { this.ifs.push((d === '!ifdef') === this.defines.has(t0[1]!)); continue; }
      if (d === '!else') { this.ifs.push(!this.ifs.pop()!); continue; }
      if (d === '!endif') { this.ifs.pop(); continue; }
      if (this.ifs.includes(false)) continue;
      if (d === '!macro') { this.macroBody = { name: t0[1]!, params: t0.slice(2), body: [] }; continue; }
      const line = this.expandDefines(trimmed);
      const t = tokens(line);
      const op = t[0]!;
      if (op === '!include') {
        if (!['LogicLib.nsh', 'WinMessages.nsh'].includes(t[1]!)) throw new Error(`!include ${t[1]}`);
        continue;
      }
      if (op === '!define') {
        if (t[1] === '/math') {
          const [a, o, b] = [Number(t[3]), t[4], Number(t[5])];
          if (o !== '+' && o !== '-') throw new Error(`!define /math ${o}`);
          this.defines.set(t[2]!, String(o === '+' ? a + b : a - b));
        } else this.defines.set(t[1]!, t[2] ?? '');
        continue;
      }
      if (op === '!insertmacro') {
        const m = this.macros.get(t[1]!);
        if (!m) throw new Error(`no macro ${t[1]}`);
        const args = t.slice(2);
        const body = m.body.map((l) => m.params.reduce((acc, p, i) => acc.split('${' + p + '}').join(args[i] ?? ''), l));
        this.feed(body, out);
        continue;
      }
      if (op === 'Function') { this.current = { name: t[1]!, code: [] }; continue; }
      if (op === 'FunctionEnd') { this.functions.set(this.current!.name, this.current!.code); this.current = undefined; continue; }
      const code = this.current?.code ?? out;
      if (!code) throw new Error(`instruction outside a function or macro run: ${line}`);
      this.emit(code, t, line);
    }
  }

  private cond(t: string[], line: string): Cond {
    if (t.length === 1 && t[0] === '${Errors}') return { kind: 'errors' };
    if (t.length === 3 && ['==', '!=', '<', '>=', '>', '<='].includes(t[1]!)) return { kind: 'cmp', a: t[0]!, op: t[1]!, b: t[2]! };
    throw new Error(`condition: ${line}`);
  }

  private emit(code: Ins[], t: string[], line: string): void {
    const op = t[0]!;
    const lab = () => `@${++this.label}`;
    const jumpUnless = (c: Cond, negate: boolean, to: string) => code.push({ op: '@unless', args: [JSON.stringify(c), negate ? '1' : '', to], line });
    if (op === '${If}' || op === '${IfNot}') {
      const f = { else: lab(), end: lab(), hasElse: false };
      this.logic.push(f);
      jumpUnless(this.cond(t.slice(1), line), op === '${IfNot}', f.else);
    } else if (op === '${AndIf}') {
      jumpUnless(this.cond(t.slice(1), line), false, this.logic.at(-1)!.else);
    } else if (op === '${Else}') {
      const f = this.logic.at(-1)!;
      code.push({ op: 'Goto', args: [f.end], line }, { op: '@label', args: [f.else], line });
      f.hasElse = true;
    } else if (op === '${EndIf}') {
      const f = this.logic.pop()!;
      if (!f.hasElse) code.push({ op: '@label', args: [f.else], line });
      code.push({ op: '@label', args: [f.end], line });
    } else if (t.length === 1 && op.endsWith(':')) {
      code.push({ op: '@label', args: [op.slice(0, -1)], line });
    } else code.push({ op, args: t.slice(1), line });
  }
}

/** Loads the include as makensis would for the installer (or, with uninstaller, the uninstaller) and runs one of its macros. */
export function runMacro(text: string, macro: string, o: RunOptions): RunResult {
  const max = o.maxStrlen;
  const cap = (s: string) => s.slice(0, max - 1);
  const compiler = new Compiler({ NSIS_MAX_STRLEN: String(max), ...(o.uninstaller ? { BUILD_UNINSTALLER: '' } : {}) });
  compiler.feed(text.split('\n'));
  const main: Ins[] = [];
  compiler.feed([`!insertmacro ${macro}`], main);

  const vars = new Map<string, string>(Object.entries({ INSTDIR: 'C:\\Program Files\\certdesk', SYSDIR: 'C:\\Windows\\System32', TEMP: 'C:\\Users\\u\\AppData\\Local\\Temp', ...o.vars }));
  for (let i = 0; i < 10; i++) { vars.set(`R${i}`, vars.get(`R${i}`) ?? ''); vars.set(String(i), vars.get(String(i)) ?? ''); }
  const result: RunResult = { details: [], execs: [], dirs: [], broadcasts: 0, context: 'current' };
  const stack: string[] = [];
  let error = false;
  const reg = o.registry;

  const expand = (s: string): string => cap(s.replace(/\$(\$|R[0-9]|[0-9]|INSTDIR|APPDATA|SYSDIR|TEMP|installMode|\\)/g, (_m, v: string) => {
    if (v === '$') return '$';
    if (v === '\\') throw new Error(`escape $\\ in ${s}`);
    if (v === 'APPDATA') return result.context === 'all' ? 'C:\\ProgramData' : 'C:\\Users\\u\\AppData\\Roaming';
    if (!vars.has(v)) throw new Error(`unset $${v}`);
    return vars.get(v)!;
  }));
  const setVar = (name: string, value: string) => {
    const m = /^\$(R[0-9]|[0-9]|installMode)$/.exec(name);
    if (!m) throw new Error(`not a variable: ${name}`);
    vars.set(m[1]!, cap(value));
  };
  const int = (s: string) => { const n = Number.parseInt(expand(s), s.trim().toLowerCase().startsWith('0x') ? 16 : 10); return Number.isNaN(n) ? 0 : n; };
  const root = (r: string) => { if (r !== 'HKLM' && r !== 'HKCU') throw new Error(`root ${r}`); return r; };

  const readRegStr = (r: string, sub: string, name: string): string => {
    const k = reg.key(root(r), sub);
    if (!k || k.denyRead) { error = true; return ''; }
    const v = k.values.get(name.toLowerCase())?.value;
    // RegQueryValueEx into NSIS_MAX_STRLEN characters: a longer value is ERROR_MORE_DATA.
    const chars = v ? (v.type === 'REG_DWORD' ? 2 : v.data.length + (v.nul === false ? 0 : 1) + (v.type === 'REG_MULTI_SZ' ? 1 : 0)) : 0;
    if (!v || chars > max || !['REG_SZ', 'REG_EXPAND_SZ', 'REG_DWORD'].includes(v.type)) { error = true; return ''; }
    if (v.type === 'REG_DWORD') { error = true; return String(Number(v.data)); }
    return v.data.slice(0, max - 1);
  };
  const enumValue = (r: string, sub: string, index: number): string => {
    const k = reg.key(root(r), sub);
    if (!k || k.denyRead) { error = true; return ''; }
    const names = [...k.values.values()].map((x) => x.name);
    const n = names[index];
    // RegEnumValue with NSIS_MAX_STRLEN - 1 characters: a longer name is ERROR_MORE_DATA.
    if (n === undefined || n.length + 1 > max - 1) { error = true; return ''; }
    return n;
  };
  const write = (r: string, sub: string, name: string, type: RegType, data: string) => {
    const k = reg.key(root(r), sub);
    if (k?.denyRead) { error = true; return; }
    reg.set(r, sub, name, { type, data });
  };

  const run = (code: Ins[], depth: number): void => {
    if (depth > 20) throw new Error('call depth');
    const labels = new Map<string, number>();
    code.forEach((c, i) => { if (c.op === '@label') labels.set(c.args[0]!, i); });
    const target = (l: string | undefined, next: number): number => {
      if (l === undefined || l === '' || l === '0') return next;
      if (!labels.has(l)) throw new Error(`no label ${l}`);
      return labels.get(l)!;
    };
    let pc = 0;
    let steps = 0;
    while (pc < code.length) {
      if (++steps > 10_000_000) throw new Error('endless loop');
      const { op, args: a, line } = code[pc]!;
      let next = pc + 1;
      switch (op) {
        case '@label': break;
        case '@unless': {
          const c = JSON.parse(a[0]!) as Cond;
          let ok: boolean;
          if (c.kind === 'errors') { ok = error; error = false; } else {
            const [x, y] = [expand(c.a), expand(c.b)];
            ok = c.op === '==' ? x.toLowerCase() === y.toLowerCase() : c.op === '!=' ? x.toLowerCase() !== y.toLowerCase()
              : c.op === '<' ? int(c.a) < int(c.b) : c.op === '>=' ? int(c.a) >= int(c.b) : c.op === '>' ? int(c.a) > int(c.b) : int(c.a) <= int(c.b);
          }
          if (a[1]) ok = !ok;
          if (!ok) next = target(a[2], next);
          break;
        }
        case 'Goto': next = target(a[0], next); break;
        case 'Return': return;
        case 'Call': {
          const f = compiler.functions.get(a[0]!);
          if (!f) throw new Error(`no function ${a[0]}`);
          if (!!o.uninstaller !== a[0]!.startsWith('un.')) throw new Error(`${a[0]} called from the ${o.uninstaller ? 'uninstaller' : 'installer'}`);
          run(f, depth + 1);
          break;
        }
        case 'StrCpy': {
          // exec.c EW_ASSIGNVAR
          const s = expand(a[1]!);
          let out = '';
          const hasLen = a.length > 2 && a[2] !== '';
          const newlen = hasLen ? int(a[2]!) : 0;
          if (!hasLen || newlen !== 0) {
            let start = a.length > 3 ? int(a[3]!) : 0;
            if (start < 0) start = s.length + start;
            if (start >= 0) {
              out = s.slice(Math.min(start, s.length));
              if (newlen) { let n = newlen < 0 ? out.length + newlen : newlen; if (n < 0) n = 0; out = out.slice(0, n); }
            }
          }
          setVar(a[0]!, out);
          break;
        }
        case 'StrLen': setVar(a[0]!, String(expand(a[1]!).length)); break;
        case 'StrCmp': next = expand(a[0]!).toLowerCase() === expand(a[1]!).toLowerCase() ? target(a[2], next) : target(a[3], next); break;
        case 'IntOp': {
          if (a[2] !== '+' && a[2] !== '-') throw new Error(`IntOp ${a[2]}`);
          setVar(a[0]!, String(a[2] === '+' ? int(a[1]!) + int(a[3]!) : int(a[1]!) - int(a[3]!)));
          break;
        }
        case 'IntCmp': { const [x, y] = [int(a[0]!), int(a[1]!)]; next = x === y ? target(a[2], next) : x < y ? target(a[3], next) : target(a[4], next); break; }
        case 'Push': stack.push(expand(a[0]!)); break;
        case 'Pop': { if (!stack.length) throw new Error(`Pop on an empty stack: ${line}`); setVar(a[0]!, stack.pop()!); break; }
        case 'ClearErrors': error = false; break;
        case 'IfErrors': { const e = error; error = false; next = e ? target(a[0], next) : target(a[1], next); break; }
        case 'ReadRegStr': setVar(a[0]!, readRegStr(a[1]!, expand(a[2]!), expand(a[3]!))); break;
        case 'EnumRegValue': setVar(a[0]!, enumValue(a[1]!, expand(a[2]!), int(a[3]!))); break;
        case 'EnumRegKey': {
          const k = reg.key(root(a[1]!), expand(a[2]!));
          if (!k || k.denyRead) { error = true; setVar(a[0]!, ''); } else setVar(a[0]!, reg.subkeys(a[1]!, expand(a[2]!))[int(a[3]!)] ?? '');
          break;
        }
        case 'WriteRegStr': write(a[0]!, expand(a[1]!), expand(a[2]!), 'REG_SZ', expand(a[3]!)); break;
        case 'WriteRegExpandStr': write(a[0]!, expand(a[1]!), expand(a[2]!), 'REG_EXPAND_SZ', expand(a[3]!)); break;
        case 'WriteRegDWORD': write(a[0]!, expand(a[1]!), expand(a[2]!), 'REG_DWORD', String(int(a[3]!))); break;
        case 'DeleteRegValue': reg.deleteValue(root(a[0]!), expand(a[1]!), expand(a[2]!)); break;
        case 'DeleteRegKey': reg.deleteKey(root(a[0]!), expand(a[1]!)); break;
        case 'DetailPrint': result.details.push(expand(a[0]!)); break;
        case 'SendMessage':
          if (a.join(' ') !== '0xFFFF 0x001A 0 STR:Environment /TIMEOUT=5000') throw new Error(`SendMessage ${line}`);
          result.broadcasts++;
          break;
        case 'SetShellVarContext': if (a[0] !== 'all' && a[0] !== 'current') throw new Error(line); result.context = a[0]; break;
        case 'CreateDirectory': result.dirs.push(expand(a[0]!)); break;
        case 'nsExec::ExecToLog': { const cmd = expand(a[0]!); result.execs.push(cmd); stack.push(String(o.exec ? o.exec(cmd) : 0)); break; }
        default: throw new Error(`not modelled: ${line}`);
      }
      pc = next;
    }
  };
  run(main, 0);
  if (stack.length) throw new Error(`the stack is left with ${stack.length} entries`);
  return result;
}
