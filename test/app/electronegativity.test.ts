// Electronegativity over the source: no finding of high or medium severity. The few
// lines that need a human's judgement carry an eng-disable comment with the reason
// (src/main/app/window.ts preload, src/main/app/desktop-api.ts openExternal, src/main/app/desktop.ts
// the pinning verify proc).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
interface Issue {
  file: string;
  id: string;
  severity: { name: string };
  confidence: { name: string };
  location?: { line: number };
  sample?: string;
}
interface Report {
  errors: unknown[];
  issues: Issue[];
  atomicChecks: number;
}
const mod = require('@doyensec/electronegativity') as { default?: (o: object) => Promise<Report> } & ((o: object) => Promise<Report>);
const run = mod.default ?? mod;
const electronVersion = (JSON.parse(readFileSync(join(process.cwd(), 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

const scan = (input: string) => run({ input, isRelative: true, electronVersionOverride: electronVersion });
const serious = (r: Report) => r.issues.filter((i) => i.severity.name === 'HIGH' || i.severity.name === 'MEDIUM');
const show = (issues: Issue[]) => issues.map((i) => `${i.severity.name} ${i.id} ${i.file}:${i.location?.line ?? '?'} ${i.sample ?? ''}`).join('\n');

describe('Electronegativity', () => {
  it('finds nothing high or medium in src/', async () => {
    const report = await scan(join(process.cwd(), 'src'));
    expect(report.errors, 'files it could not parse').toEqual([]);
    expect(report.atomicChecks).toBeGreaterThan(20);
    expect(serious(report), show(serious(report))).toEqual([]);
  });

  it('does find them in an insecure window (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-eneg-'));
    try {
      writeFileSync(
        join(dir, 'main.ts'),
        "import { BrowserWindow, shell } from 'electron';\nconst w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\nexport const open = (u: string) => shell.openExternal(u);\nvoid w;\n",
      );
      const ids = serious(await scan(dir)).map((i) => i.id);
      expect(ids).toEqual(expect.arrayContaining(['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
