import { useTranslation } from 'react-i18next';
import type { CertificateDetails, Language } from '../../../shared/contract';
import { formatInstant, groupHex } from '../format';
import { Fact, Hex } from './common';

function yesNo(t: (k: string) => string, v: boolean | undefined): string {
  return v === undefined ? t('details.unknown') : v ? t('details.yes') : t('details.no');
}

/** Every field of CertificateDetails as label → text rows, in the order a helpdesk reads them. */
export function detailRows(d: CertificateDetails, lang: Language, t: (k: string) => string, compact = false): Array<[string, string, boolean?]> {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : t('details.none'));
  const rows: Array<[string, string, boolean?]> = [
    [t('details.subject'), d.subject.text],
    [t('details.issuer'), d.issuer.text],
    [t('details.serial'), groupHex(d.serialHex), true],
    [t('details.notBefore'), formatInstant(d.notBefore, lang)],
    [t('details.notAfter'), formatInstant(d.notAfter, lang)],
    [t('details.sha256'), groupHex(d.sha256), true],
    // Beside the SHA-256: the thumbprint (拇印) Windows' certificate dialogs show.
    [t('details.sha1'), groupHex(d.sha1), true],
  ];
  if (compact) return rows;
  return [
    ...rows,
    [t('details.key'), `${d.keyAlgorithm} ${d.keySize}${d.curve ? ` (${d.curve})` : ''}`],
    [t('details.keyUsage'), list(d.keyUsage)],
    [t('details.eku'), list(d.extendedKeyUsage)],
    [t('details.san'), list(d.subjectAltNames)],
    [t('details.isCA'), yesNo(t, d.isCA)],
    [t('details.clientAuth'), yesNo(t, d.facts.clientAuthUsable)],
    [t('details.selfSigned'), yesNo(t, d.facts.selfSigned)],
    [t('details.hasKey'), yesNo(t, d.facts.hasPrivateKey)],
    [t('details.chain'), yesNo(t, d.facts.chainComplete)],
  ];
}

export function CertFacts({ details, lang, compact = false }: { details: CertificateDetails; lang: Language; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <dl className="facts facts-wide">
      {detailRows(details, lang, t, compact).map(([k, v, mono]) => (
        <Fact key={k} label={k} className={mono ? 'mono' : 'wrap'}>
          {mono ? <Hex text={v} /> : v}
        </Fact>
      ))}
    </dl>
  );
}
