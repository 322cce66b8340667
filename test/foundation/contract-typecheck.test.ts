// "Changing a method's signature in the contract breaks the typecheck of main, preload
// and renderer alike": copy the sources, change one signature, and let tsc say where.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = process.cwd();

const PROBE = `// A minimal main-process implementation of the contract, used only by the typecheck test
// to prove that the implementing side breaks when a signature changes.
import type { CertDeskApi } from '../src/shared/contract';

export const probe: CertDeskApi = {
  getOverview: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  getDetails: async (fingerprint: string) => ({ ok: false, error: { code: 'NO_CERTIFICATE', message: fingerprint } }),
  runPreflight: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  renew: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  acquire: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  cancel: async () => ({ ok: true, value: { cancelled: false } }),
  getDiagnostics: async () => ({ ok: true, value: { text: '' } }),
  saveDiagnostics: async () => ({ ok: true, value: { saved: false } }),
  getSettings: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  updateSettings: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'probe' } }),
  openBankSite: async () => ({ ok: true, value: { opened: false } }),
};
`;

describe('the contract is the one source of types', () => {
  it('a changed signature breaks main, preload and renderer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-typecheck-'));
    try {
      // Build outputs go inside the copy: node_modules is a link to the real one, and the
      // mutated contract's declarations must never land in the project's own tsc cache.
      const local = (text: string) => text.replaceAll('node_modules/.tsc/', '.tsc/');
      for (const f of ['tsconfig.json', 'tsconfig.base.json', 'tsconfig.shared.json', 'tsconfig.web.json']) {
        writeFileSync(join(dir, f), local(readFileSync(join(root, f), 'utf8')));
      }
      // Only the parts that implement, expose or call the contract: main's wiring, the preload, the renderer.
      const node = JSON.parse(local(readFileSync(join(root, 'tsconfig.node.json'), 'utf8')));
      node.include = ['src/main/**/*', 'src/preload/**/*', 'probe/**/*'];
      writeFileSync(join(dir, 'tsconfig.node.json'), JSON.stringify(node));
      cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      // A main-side implementation of the contract: the shape of the object registerApi takes.
      mkdirSync(join(dir, 'probe'));
      writeFileSync(join(dir, 'probe/main-impl.ts'), PROBE);

      const tsc = () => spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', '--force'], { cwd: dir, encoding: 'utf8' });
      // `npm test` typechecks the unchanged tree first (npm run typecheck), so one build here suffices.

      const contract = join(dir, 'src/shared/contract.ts');
      const src = readFileSync(contract, 'utf8');
      const changed = src.replace(
        'getDetails(fingerprint: string): Promise<Result<CertificateDetails>>;',
        'getDetails(request: { fingerprint: string; section: number }): Promise<Result<CertificateDetails>>;',
      );
      expect(changed).not.toBe(src);
      writeFileSync(contract, changed);
      const after = tsc();
      const errors = after.stdout.split('\n').filter((l) => /error TS/.test(l));
      expect(errors.some((l) => l.startsWith('probe/')), errors.join('\n')).toBe(true);
      expect(errors.some((l) => l.startsWith('src/preload/')), errors.join('\n')).toBe(true);
      expect(errors.some((l) => l.startsWith('src/renderer/')), errors.join('\n')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
