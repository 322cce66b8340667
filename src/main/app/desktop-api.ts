// The contract as the desktop app answers it: the renewal service of the core, plus the
// two methods that need Electron (a save dialog, the browser).
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BrowserWindow, Dialog, Shell } from 'electron';
import { fail, ok, type BankPage, type CertDeskApi, type SettingsView } from '../../shared/contract';
import { jstDate } from '../../shared/phase';
import { allowedExternalUrl } from './security';
import type { Strings } from './strings';
import { errnoOf } from '../../shared/error-reasons';

/** What the core's renewal service answers: the contract minus the Electron-only methods. */
export type CoreService = Omit<CertDeskApi, 'saveDiagnostics' | 'openBankSite'>;

export interface DesktopDeps {
  core: CoreService;
  bankSiteUrl: string | undefined;
  /** The IB login page (the done screen's login button); the site when unset. */
  bankLoginUrl?: string | undefined;
  /** The bank's guide on revoking the old PC's certificate. */
  newPcGuideUrl?: string | undefined;
  /** The helpdesk's page (policy `support.url`): its origin is allowed too. */
  supportUrl?: string | undefined;
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
    removeSuperseded: (fp) => core.removeSuperseded(fp),
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
        return fail('INVALID_INPUT', `The diagnostics could not be saved there (${code}). Choose another folder.`, { field: 'file', reason: errnoOf(err) ?? 'error' });
      }
      return ok({ saved: true, fileName: basename(choice.filePath) });
    },

    async openBankSite(page: BankPage = 'site') {
      // The renderer names a page; the URL is only ever the policy's.
      const { field, value } = pageUrl(deps, page);
      const url = value ? allowedExternalUrl(value, [deps.bankSiteUrl, deps.bankLoginUrl, deps.newPcGuideUrl, deps.supportUrl]) : null;
      if (!url) return fail('POLICY_INVALID', `The policy names no https address for this bank page (${field}). Ask your IT department.`, { field });
      try {
        // `url` is not a literal, but allowedExternalUrl has just reduced it to the policy's
        // bank site on https (test/app/security.test.ts). eng-disable reason: that check.
        await deps.shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
      } catch {
        return ok({ opened: false });
      }
      return ok({ opened: true });
    },
  };
}

/** The policy field behind each page; the login page falls back to the site. */
function pageUrl(deps: DesktopDeps, page: BankPage): { field: string; value: string | undefined } {
  switch (page) {
    case 'login':
      return deps.bankLoginUrl ? { field: 'bankLoginUrl', value: deps.bankLoginUrl } : { field: 'bankSiteUrl', value: deps.bankSiteUrl };
    case 'newPc':
      return { field: 'newPcGuideUrl', value: deps.newPcGuideUrl };
    case 'site':
      return { field: 'bankSiteUrl', value: deps.bankSiteUrl };
  }
}
