// Carries out the machine's commands against the contract and answers with events. The
// displayed language follows the saved settings, and the header switch changes it first.
import type { ApiError, CertDeskApi, Language } from '../../../shared/contract';
import type { Command, FlowEvent } from './machine';

export type Dispatch = (event: FlowEvent) => void;

/** What the runner works with: the contract, and the window's language (i18n/setLanguage). */
export interface RunnerIo {
  api: CertDeskApi;
  setLanguage(language: Language): void;
}

export async function run(io: RunnerIo, command: Command, dispatch: Dispatch): Promise<void> {
  const { api, setLanguage } = io;
  const failed = (error: ApiError) => dispatch({ type: 'failed', error, command });
  switch (command.kind) {
    case 'start': {
      const s = await api.getSettings();
      if (s.ok) {
        dispatch({ type: 'settingsLoaded', settings: s.value });
        setLanguage(s.value.language);
      }
      return run(io, { kind: 'loadOverview' }, dispatch);
    }
    case 'loadOverview': {
      const r = await api.getOverview();
      return r.ok ? dispatch({ type: 'overviewLoaded', overview: r.value }) : failed(r.error);
    }
    case 'refreshOverview': {
      const r = await api.getOverview();
      if (r.ok) dispatch({ type: 'overviewRefreshed', overview: r.value });
      return;
    }
    case 'openBankSite': {
      const r = await api.openBankSite(command.page);
      if (!r.ok) failed(r.error);
      return;
    }
    case 'preflight': {
      const r = await api.runPreflight(command.cert.fingerprint);
      return r.ok ? dispatch({ type: 'preflightDone', cert: command.cert, report: r.value }) : failed(r.error);
    }
    case 'renew':
    case 'acquire': {
      const r = command.kind === 'renew' ? await api.renew(command.cert.fingerprint) : await api.acquire(command.request);
      return r.ok ? dispatch({ type: 'issued', outcome: r.value }) : failed(r.error);
    }
    case 'cancel':
      await api.cancel();
      return;
    case 'details': {
      const r = await api.getDetails(command.cert.fingerprint);
      return r.ok ? dispatch({ type: 'detailsLoaded', details: r.value }) : failed(r.error);
    }
    case 'removeSuperseded': {
      const r = await api.removeSuperseded(command.cert.fingerprint);
      return r.ok ? dispatch({ type: 'overviewLoaded', overview: r.value }) : failed(r.error);
    }
    case 'diagnostics': {
      const r = await api.getDiagnostics();
      return r.ok ? dispatch({ type: 'diagnosticsLoaded', text: r.value.text }) : failed(r.error);
    }
    case 'saveDiagnostics': {
      const r = await api.saveDiagnostics();
      return r.ok ? dispatch({ type: 'diagnosticsSaved', saved: r.value }) : failed(r.error);
    }
    case 'saveSettings': {
      const r = await api.updateSettings(command.patch);
      if (!r.ok) return dispatch({ type: 'settingsRefused', previous: command.previous, error: r.error });
      setLanguage(r.value.language);
      return dispatch({ type: 'settingsSaved', settings: r.value });
    }
    case 'switchLanguage': {
      setLanguage(command.language);
      const r = await api.updateSettings({ language: command.language });
      if (r.ok) dispatch({ type: 'settingsLoaded', settings: r.value });
      return;
    }
  }
}
