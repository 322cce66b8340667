import { useTranslation } from 'react-i18next';
import type { DiagnosticsSaved } from '../../../shared/contract';
import { CopyButton, Heading } from '../components/common';
import { SupportContact } from '../components/SupportContact';

export function Diagnostics({ text, onSave, saved }: { text: string; onSave(): void; saved: DiagnosticsSaved | null }) {
  const { t } = useTranslation();
  const note = saved === null ? null : saved.saved && saved.fileName ? t('diagnostics.saved', { file: saved.fileName }) : t('diagnostics.notSaved');
  return (
    <section className="screen" data-screen="diagnostics">
      <Heading>{t('diagnostics.heading')}</Heading>
      <p className="lead">{t('diagnostics.intro')}</p>
      <div className="card">
        <label className="field-label" htmlFor="diag">
          {t('diagnostics.heading')}
        </label>
        <textarea id="diag" className="pem mono" readOnly rows={14} value={text} />
        <div className="actions">
          <CopyButton text={text} label={t('app.copy')} />
          <button type="button" className="btn btn-secondary" onClick={onSave}>
            {t('diagnostics.save')}
          </button>
          <span role="status">{note}</span>
        </div>
      </div>
      <div className="card">
        <SupportContact variant="block" />
      </div>
    </section>
  );
}
