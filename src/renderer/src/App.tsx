// Renders the machine's current state and dispatches what the user does; every transition
// lives in flow/machine.ts.
import { useMemo, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { CertificateSummary, Language } from '../../shared/contract';
import { BankContext, bankInfo } from './components/bank';
import { ConfirmDialog } from './components/ConfirmDialog';
import { Fact } from './components/common';
import { ProxyAuthDialog } from './components/ProxyAuthDialog';
import { PinDialog } from './components/PinDialog';
import { TopBar, type NavTarget } from './components/TopBar';
import { isBusy, launchRenews, type FlowEvent, type FlowState } from './flow/machine';
import { formatDay } from './format';
import { loginIdOf } from './flow/login-id';
import { useFlow } from './flow/useFlow';
import { Acquire } from './screens/Acquire';
import { Details } from './screens/Details';
import { Diagnostics } from './screens/Diagnostics';
import { Done } from './screens/Done';
import { ErrorScreen } from './screens/ErrorScreen';
import { Home } from './screens/Home';
import { Issuing } from './screens/Issuing';
import { NewPc } from './screens/NewPc';
import { Preflight } from './screens/Preflight';
import { Settings } from './screens/Settings';
import { Start } from './screens/Start';

const NAV_EVENTS: Record<NavTarget, FlowEvent> = { home: { type: 'home' }, diagnostics: { type: 'openDiagnostics' }, settings: { type: 'openSettings' } };

export function App() {
  const { t, i18n } = useTranslation();
  const lang: Language = i18n.language === 'en' ? 'en' : 'ja';
  const [state, dispatch] = useFlow();
  // No bank name before a policy is read (or when it cannot be): the words say "your bank", never the product's name.
  const bankName = state.overview?.bankName ?? state.settings?.bankName ?? '';
  const bank = useMemo(() => bankInfo(bankName, state.settings, (page) => dispatch({ type: 'openBankPage', page })), [bankName, state.settings, dispatch]);
  return (
    <BankContext.Provider value={bank}>
      <div className="shell">
        <a className="skip" href="#main">
          {t('app.skip')}
        </a>
        <TopBar
          bankName={bankName}
          current={state.screen.name}
          busy={isBusy(state)}
          settingsReady={state.settings !== null}
          languageManaged={state.settings?.managed.includes('language') ?? false}
          lang={lang}
          onNavigate={(target) => dispatch(NAV_EVENTS[target])}
          onLanguage={(language) => dispatch({ type: 'switchLanguage', language })}
        />
        <main id="main" className="main">
          <CurrentScreen state={state} lang={lang} dispatch={dispatch} />
        </main>
        <ProxyAuthDialog busy={isBusy(state)} />
        <PinDialog busy={isBusy(state)} />
        {state.launch && <LaunchQuestion request={state.launch} renews={launchRenews(state)} lang={lang} onAnswer={(yes) => dispatch({ type: 'answerLaunch', yes })} />}
      </div>
    </BankContext.Provider>
  );
}

// The declared return type makes a Screen without a case here a type error (no implicit undefined).
function CurrentScreen({ state, lang, dispatch }: { state: FlowState; lang: Language; dispatch(event: FlowEvent): void }): ReactElement | null {
  const { t } = useTranslation();
  const screen = state.screen;
  const home = () => dispatch({ type: 'home' });
  const acquire = () => dispatch({ type: 'openAcquire' });
  switch (screen.name) {
    case 'loading':
      return (
        <p className="muted" aria-busy="true">
          {t('app.loading')}
        </p>
      );
    case 'home':
      return state.overview ? (
        <Home
          overview={state.overview}
          lang={lang}
          reminder={state.reminder}
          onRenew={(cert) => dispatch({ type: 'renew', cert })}
          onAcquire={(cert) => dispatch({ type: 'openAcquire', loginId: cert && loginIdOf(cert) })}
          onNewPc={() => dispatch({ type: 'openNewPc' })}
          onDetails={(cert) => dispatch({ type: 'openDetails', cert })}
          onRemoveSuperseded={(cert) => dispatch({ type: 'removeSuperseded', cert })}
        />
      ) : null;
    case 'preflight':
      return <Preflight checks={state.checks} request={state.request} custody={state.custody} failed={screen.failed} lang={lang} onRetry={() => dispatch({ type: 'renew', cert: screen.cert })} onBack={home} onAcquire={acquire} onNewPc={() => dispatch({ type: 'openNewPc' })} />;
    case 'start':
      return <Start cert={screen.cert} request={state.request} custody={state.custody} lang={lang} onConfirm={() => dispatch({ type: 'confirm' })} onBack={home} />;
    case 'issuing':
      return <Issuing steps={state.steps} pending={state.pending} lang={lang} cancelling={state.cancelling} onCancel={() => dispatch({ type: 'cancel' })} />;
    case 'done':
      return <Done outcome={screen.outcome} summary={state.overview?.certificates.find((c) => c.fingerprint === screen.outcome.certificate.sha256) ?? null} lang={lang} onClose={home} />;
    // `request` lives only in the event and the runner's call; the form has already cleared its field.
    case 'acquire':
      return <Acquire key={screen.loginId ?? ''} initialLoginId={screen.loginId} onSubmit={(request) => dispatch({ type: 'submitAcquire', request })} onBack={home} />;
    case 'newPc':
      return <NewPc error={screen.error} onAcquire={() => dispatch({ type: 'openAcquire', loginId: screen.loginId })} onHome={home} />;
    case 'error':
      return <ErrorScreen error={screen.error} lang={lang} onRetry={screen.retry ? () => dispatch({ type: 'retry' }) : undefined} onHome={home} onAcquire={acquire} onNewPc={() => dispatch({ type: 'openNewPc' })} />;
    case 'details':
      return <Details details={screen.details} lang={lang} onBack={home} />;
    case 'diagnostics':
      return <Diagnostics text={screen.text} saved={screen.saved} onSave={() => dispatch({ type: 'saveDiagnostics' })} />;
    case 'settings':
      return state.settings ? <Settings view={state.settings} onChange={(patch) => dispatch({ type: 'changeSettings', patch })} savedNote={state.settingsSaved} /> : null;
  }
}

/** A certdesk: link's renew or 取得: asked first, いいえ (and Esc) does nothing. */
function LaunchQuestion({ request, renews, lang, onAnswer }: { request: NonNullable<FlowState['launch']>; renews: CertificateSummary | undefined; lang: Language; onAnswer(yes: boolean): void }) {
  const { t } = useTranslation();
  const renew = request.action === 'renew';
  const loginId = request.action === 'acquire' ? request.loginId : undefined;
  return (
    <ConfirmDialog title={renew ? t('launch.renewTitle') : t('launch.acquireTitle')} yes={t('launch.yes')} no={t('launch.no')} onYes={() => onAnswer(true)} onNo={() => onAnswer(false)}>
      <p>{renew ? t('launch.renewBody') : loginId ? t('launch.acquireBodyId', { loginId }) : t('launch.acquireBody')}</p>
      {/* Whose certificate はい renews, when there is one to renew. */}
      {renew && renews && (
        <dl className="facts">
          <Fact label={t('home.holder')}>{renews.holder}</Fact>
          <Fact label={t('home.expiry')}>{formatDay(renews.expiryDate, lang)}</Fact>
        </dl>
      )}
    </ConfirmDialog>
  );
}
