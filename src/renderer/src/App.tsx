import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AcquireRequest,
  ApiError,
  CertificateDetails,
  CertificateSummary,
  CheckId,
  CheckResult,
  CheckState,
  Language,
  Overview,
  RenewalOutcome,
  SettingsPatch,
  SettingsView,
  StepId,
  StepState,
} from '../../shared/contract';
import { api } from './api';
import { setLanguage } from './i18n';
import { Home } from './screens/Home';
import { Done, Issuing, Preflight, Start } from './screens/Flow';
import { Details } from './screens/Details';
import { Acquire, Diagnostics, ErrorScreen, Settings } from './screens/Misc';

type Screen =
  | { name: 'loading' }
  | { name: 'home' }
  | { name: 'preflight'; cert: CertificateSummary; failed: CheckResult | null }
  | { name: 'start'; cert: CertificateSummary }
  | { name: 'issuing' }
  | { name: 'done'; outcome: RenewalOutcome }
  | { name: 'acquire' }
  | { name: 'error'; error: ApiError; retry?: () => void }
  | { name: 'details'; details: CertificateDetails }
  | { name: 'diagnostics'; text: string; saved: string | null }
  | { name: 'settings' };

const BUSY_SCREENS = new Set<Screen['name']>(['preflight', 'issuing']);

export function App() {
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === 'en' ? 'en' : 'ja') as Language;
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const [overview, setOverview] = useState<Overview | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [settingsSaved, setSettingsSaved] = useState(false);
  const [checks, setChecks] = useState<Partial<Record<CheckId, CheckState>>>({});
  const [steps, setSteps] = useState<Partial<Record<StepId, StepState>>>({});
  const [pending, setPending] = useState<{ attempt: number; retryAt: string } | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reminder, setReminder] = useState<{ daysLeft: number; fingerprint: string } | null>(null);
  const running = useRef(false);

  const fail = useCallback((error: ApiError, retry?: () => void) => setScreen(retry ? { name: 'error', error, retry } : { name: 'error', error }), []);

  const loadHome = useCallback(async () => {
    const r = await api().getOverview();
    if (!r.ok) return fail(r.error, () => void loadHome());
    setOverview(r.value);
    setScreen({ name: 'home' });
  }, [fail]);

  useEffect(() => {
    const offProgress = api().on('progress', (e) => {
      if (e.kind === 'check') setChecks((c) => ({ ...c, [e.check]: e.state }));
      else if (e.kind === 'step') setSteps((s) => ({ ...s, [e.step]: e.state }));
      else setPending({ attempt: e.attempt, retryAt: e.retryAt });
    });
    const offReminder = api().on('reminder', (e) => setReminder({ daysLeft: e.daysLeft, fingerprint: e.fingerprint }));
    void (async () => {
      const s = await api().getSettings();
      if (s.ok) {
        setSettings(s.value);
        setLanguage(s.value.language);
      }
      await loadHome();
    })();
    return () => {
      offProgress();
      offReminder();
    };
  }, [loadHome]);

  const runIssuing = useCallback(
    async (call: () => Promise<import('../../shared/contract').Result<RenewalOutcome>>, retry: () => void) => {
      if (running.current) return;
      running.current = true;
      setSteps({});
      setPending(null);
      setCancelling(false);
      setScreen({ name: 'issuing' });
      try {
        const r = await call();
        if (r.ok) setScreen({ name: 'done', outcome: r.value });
        else fail(r.error, retry);
      } finally {
        running.current = false;
      }
    },
    [fail],
  );

  const startRenew = useCallback(
    async (cert: CertificateSummary) => {
      if (running.current) return;
      running.current = true;
      setChecks({});
      setScreen({ name: 'preflight', cert, failed: null });
      try {
        const r = await api().runPreflight(cert.fingerprint);
        if (!r.ok) return fail(r.error, () => void startRenew(cert));
        if (r.value.passed) return setScreen({ name: 'start', cert });
        setChecks(Object.fromEntries(r.value.checks.map((c) => [c.id, c.state])));
        setScreen({ name: 'preflight', cert, failed: r.value.checks.find((c) => c.state === 'failed') ?? null });
      } finally {
        running.current = false;
      }
    },
    [fail],
  );

  const renew = (cert: CertificateSummary) => {
    const again = () => void startRenew(cert);
    void runIssuing(() => api().renew(cert.fingerprint), again);
  };

  const acquire = (req: AcquireRequest) => {
    // `req` lives only in this call; the form has already cleared its field.
    void runIssuing(
      () => api().acquire(req),
      () => setScreen({ name: 'acquire' }),
    );
  };

  const cancel = async () => {
    setCancelling(true);
    await api().cancel();
  };

  const showDetails = async (cert: CertificateSummary) => {
    const r = await api().getDetails(cert.fingerprint);
    if (r.ok) setScreen({ name: 'details', details: r.value });
    else fail(r.error, () => void showDetails(cert));
  };

  const showDiagnostics = async () => {
    const r = await api().getDiagnostics();
    if (r.ok) setScreen({ name: 'diagnostics', text: r.value.text, saved: null });
    else fail(r.error, () => void showDiagnostics());
  };

  const saveDiagnostics = async () => {
    if (screen.name !== 'diagnostics') return;
    const r = await api().saveDiagnostics();
    if (!r.ok) return fail(r.error);
    setScreen({ ...screen, saved: r.value.saved && r.value.fileName ? t('diagnostics.saved', { file: r.value.fileName }) : t('diagnostics.notSaved') });
  };

  // Optimistic: a control shows the user's change at once; the saved view replaces it, and a
  // refusal puts the previous one back before the error screen says why.
  const changeSettings = async (patch: SettingsPatch) => {
    setSettingsSaved(false);
    const previous = settings;
    if (previous) setSettings({ ...previous, ...patch });
    const r = await api().updateSettings(patch);
    if (!r.ok) {
      setSettings(previous);
      return fail(r.error);
    }
    setSettings(r.value);
    setLanguage(r.value.language);
    setSettingsSaved(true);
  };

  // The header switch changes the language at once and keeps the screen; saving it is best effort
  // (a broken policy must not also take the user's language away).
  const switchLanguage = async (next: Language) => {
    setLanguage(next);
    const r = await api().updateSettings({ language: next });
    if (r.ok) setSettings(r.value);
  };

  const busy = BUSY_SCREENS.has(screen.name) && !(screen.name === 'preflight' && screen.failed);
  const goHome = () => void loadHome();
  const languageManaged = settings?.managed.includes('language') ?? false;
  const other: Language = lang === 'ja' ? 'en' : 'ja';

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            CD
          </span>
          <span className="brand-text">
            <span className="brand-bank">{overview?.bankName ?? settings?.bankName ?? 'CertDesk'}</span>
            <span className="brand-app">{t('app.title')}</span>
          </span>
        </div>
        <nav aria-label={t('app.title')} className="nav">
          <button type="button" className="nav-link" aria-current={screen.name === 'home' ? 'page' : undefined} disabled={busy} onClick={goHome}>
            {t('app.nav.home')}
          </button>
          <button type="button" className="nav-link" aria-current={screen.name === 'diagnostics' ? 'page' : undefined} disabled={busy} onClick={() => void showDiagnostics()}>
            {t('app.nav.diagnostics')}
          </button>
          <button
            type="button"
            className="nav-link"
            aria-current={screen.name === 'settings' ? 'page' : undefined}
            disabled={busy || !settings}
            onClick={() => {
              setSettingsSaved(false);
              setScreen({ name: 'settings' });
            }}
          >
            {t('app.nav.settings')}
          </button>
          {!languageManaged && (
            <button type="button" className="nav-link lang-switch" lang={other} disabled={busy} onClick={() => void switchLanguage(other)}>
              {other === 'en' ? 'English' : '日本語'}
            </button>
          )}
        </nav>
      </header>
      <main id="main" className="main">
        {screen.name === 'loading' && (
          <p className="muted" aria-busy="true">
            {t('app.loading')}
          </p>
        )}
        {screen.name === 'home' && overview && (
          <Home overview={overview} lang={lang} reminder={reminder} onRenew={(c) => void startRenew(c)} onAcquire={() => setScreen({ name: 'acquire' })} onDetails={(c) => void showDetails(c)} />
        )}
        {screen.name === 'preflight' && (
          <Preflight checks={checks} failed={screen.failed} lang={lang} onRetry={() => void startRenew(screen.cert)} onBack={goHome} onAcquire={() => setScreen({ name: 'acquire' })} />
        )}
        {screen.name === 'start' && <Start cert={screen.cert} lang={lang} onConfirm={() => renew(screen.cert)} onBack={goHome} />}
        {screen.name === 'issuing' && <Issuing steps={steps} pending={pending} lang={lang} cancelling={cancelling} onCancel={() => void cancel()} />}
        {screen.name === 'done' && <Done outcome={screen.outcome} lang={lang} onClose={goHome} />}
        {screen.name === 'acquire' && <Acquire onSubmit={acquire} onBack={goHome} />}
        {screen.name === 'error' && <ErrorScreen error={screen.error} lang={lang} onRetry={screen.retry} onHome={goHome} onAcquire={() => setScreen({ name: 'acquire' })} />}
        {screen.name === 'details' && <Details details={screen.details} lang={lang} onBack={goHome} />}
        {screen.name === 'diagnostics' && <Diagnostics text={screen.text} saved={screen.saved} onSave={() => void saveDiagnostics()} />}
        {screen.name === 'settings' && settings && <Settings view={settings} onChange={(p) => void changeSettings(p)} savedNote={settingsSaved} />}
      </main>
    </div>
  );
}
