// One exit-code table: `certdesk --help` lists every code of the error policy's EXIT once, in
// order, and docs/it-guide.md's table has the same codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_TABLE } from '../../src/main/cli';
import { EXIT } from '../../src/shared/error-policy';

describe('the exit-code table', () => {
  it('--help lists each exit code once, in order, in both languages', () => {
    expect(EXIT_TABLE.map(([n]) => n)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    for (const [, words] of EXIT_TABLE) {
      expect(words).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(words).toMatch(/[a-z]{3}/);
    }
  });

  it('docs/it-guide.md has a row for each', () => {
    const guide = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'it-guide.md'), 'utf8');
    const rows = [...guide.matchAll(/^\| `(\d)` \| /gm)].map((m) => Number(m[1]));
    expect(rows).toEqual(EXIT_TABLE.map(([n]) => n));
  });
});
