// "A code added to ERROR_CODES without its row does not compile": copy the files keyed by
// ErrorCode, add a code to the copied contract's list (error-codes.ts), and let tsc say where.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** Every file that must have an entry per error code (they import only src/shared). */
const KEYED_BY_ERROR_CODE = ['src/shared/error-policy.ts', 'src/shared/error-texts.ts', 'src/main/cli/messages.ts', 'src/shared/error-codes.ts'];
/** What they import besides src/shared (type-only imports, copied as they are). */
const IMPORTED = ['src/main/cli/verdict.ts'];

describe('the error code is the key of every table about errors', () => {
  it('a new code without a row fails the typecheck in each of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-error-codes-'));
    try {
      cpSync(join(root, 'src/shared'), join(dir, 'src/shared'), { recursive: true });
      // The catalogs import i18next: the copy resolves packages from the project's install.
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      for (const f of [...KEYED_BY_ERROR_CODE, ...IMPORTED]) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        cpSync(join(root, f), join(dir, f));
      }
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { composite: false, noEmit: true, lib: ['ES2023'], types: [] }, files: KEYED_BY_ERROR_CODE }),
      );
      const tsc = () => spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
      const errorLines = (out: string) => out.split('\n').filter((l) => /error TS/.test(l));

      // The copy compiles as it is: the errors below come from the new code alone.
      expect(errorLines(tsc().stdout)).toEqual([]);

      const codes = join(dir, 'src/shared/error-codes.ts');
      const src = readFileSync(codes, 'utf8');
      const changed = src.replace("  'INTERNAL',", "  'INTERNAL',\n  'DUMMY_CODE',");
      expect(changed).not.toBe(src);
      writeFileSync(codes, changed);
      const errors = errorLines(tsc().stdout);
      for (const f of KEYED_BY_ERROR_CODE) {
        expect(errors.some((l) => l.startsWith(f) && l.includes("'DUMMY_CODE' is missing")), `${f}:\n${errors.join('\n')}`).toBe(true);
      }
      // The window's two languages fail each on its own; the command line's headlines are read
      // from the catalog by code in one table (English is typed as Japanese's shape).
      expect(errors.filter((l) => l.startsWith('src/shared/error-texts.ts')).length, errors.join('\n')).toBe(2);
      expect(errors.filter((l) => l.startsWith('src/main/cli/messages.ts')).length, errors.join('\n')).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
