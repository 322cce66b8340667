// No file over 400 lines in src/, test/ or scripts/ (issue 28): lint's max-lines, blank lines
// and comments counted. A 401-line file there fails `npm run lint`; 400 lines pass.
import { ESLint } from 'eslint';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** `n` lines, every tenth blank and every seventh a comment: both count. */
const text = (n: number) =>
  Array.from({ length: n }, (_, i) => (i % 10 === 9 ? '' : i % 7 === 6 ? `// line ${i}` : `export const v${i} = ${i};`)).join('\n') + '\n';

async function tooLong(file: string, n: number): Promise<string[]> {
  const [r] = await eslint.lintText(text(n), { filePath: join(ROOT, file) });
  return r!.messages.filter((m) => m.ruleId === 'max-lines').map((m) => m.message);
}

describe('lint holds the size of a file', { timeout: 60_000 }, () => {
  it.each(['src/main/core/renewal/probe.ts', 'src/renderer/src/probe.tsx', 'src/shared/probe.ts', 'test/store/probe.test.ts', 'test/support/probe.mjs', 'scripts/probe.mjs'])(
    '%s: 400 lines pass, 401 fail',
    async (file) => {
      expect(await tooLong(file, 400)).toEqual([]);
      const refused = await tooLong(file, 401);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toContain('Maximum allowed is 400');
    },
  );
});
