// The contract as the desktop app answers it: the renewal service of the core, plus the
// two methods that need Electron (a save dialog, the browser).
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BrowserWindow, Dialog, Shell } from 'electron';
import { fail, ok, type CertDeskApi, type SettingsView } from '../../shared/contract';
import { jstDate } from '../../shared/phase';
import { allowedExternalUrl } from './security';
import type { Strings } from './strings';

/** What the core's renewal service answers: the contract minus the Electron-only methods. */
export type CoreService = Omit<CertDeskApi, 'saveDiagnostics' | 'openBankSite'>;

export interface DesktopDeps {
  core: CoreService;
  bankSiteUrl: string | undefined;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  shell: Pick<Shell, 'openExternal'>;
  window: () => BrowserWindow | null;
  strings: () => Strings;
  /** After a settings change: the login item and the menu language follow it. */
  onSettings?: (view: SettingsView) => void;
  now?: () => Date;
}

export function createDesktopApi(deps: DesktopDeps): CertDeskApi {
  const { core } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    getOverview: () => core.getOverview(),
    getDetails: (fp) => core.getDetails(fp),
    runPreflight: (fp) => core.runPreflight(fp),
    renew: (fp) => core.renew(fp),
    acquire: (req) => core.acquire(req),
    cancel: () => core.cancel(),
    getDiagnostics: () => core.getDiagnostics(),
    getSettings: () => core.getSettings(),
    async updateSettings(patch) {
      const r = await core.updateSettings(patch);
      if (r.ok) deps.onSettings?.(r.value);
      return r;
    },

    async saveDiagnostics() {
      const diag = await core.getDiagnostics();
      if (!diag.ok) return diag;
      const win = deps.window();
      const options = {
        title: deps.strings().saveDiagnosticsTitle,
        defaultPath: `certdesk-diagnostics-${jstDate(now())}.txt`,
        filters: [{ name: 'Text', extensions: ['txt'] }],
      };
      const choice = win ? await deps.dialog.showSaveDialog(win, options) : await deps.dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return ok({ saved: false });
      try {
        await writeFile(choice.filePath, diag.value.text, { encoding: 'utf8', mode: 0o600 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        return fail('INVALID_INPUT', `The diagnostics could not be saved there (${code}). Choose another folder.`, { field: 'file', reason: code });
      }
      return ok({ saved: true, fileName: basename(choice.filePath) });
    },

    async openBankSite() {
      const url = deps.bankSiteUrl ? allowedExternalUrl(deps.bankSiteUrl, deps.bankSiteUrl) : null;
      if (!url) return fail('POLICY_INVALID', 'The policy names no https bank web site (bankSiteUrl). Ask your IT department.', { field: 'bankSiteUrl' });
      try {
        // `url` is not a literal, but allowedExternalUrl has just reduced it to the policy's
        // bank site on https (test/shell/security.test.ts). eng-disable reason: that check.
        await deps.shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
      } catch {
        return ok({ opened: false });
      }
      return ok({ opened: true });
    },
  };
}
