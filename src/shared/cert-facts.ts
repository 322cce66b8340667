// A certificate's facts as every front end shows them: the window's details screen, the text of
// `certdesk inspect` and the diagnostics export. Same labels, dates in JST in the language's
// form, fingerprints and serials as upper-case colon pairs, SHA-1 (拇印) beside SHA-256, key
// usage and EKU in words. A test compares the window's rows with the command line's lines.
import type { CertificateDetails, Language } from './contract';
import { formatInstant, groupHex } from './format';
import { EKU_WORDS, FACT_LABELS, FACT_VALUES, KEY_USAGE_WORDS, fill, type FactKey } from './words';

export interface CertFact {
  key: FactKey;
  label: string;
  value: string;
  /** Hex to read aloud (serial, fingerprints): shown in a fixed-width font. */
  mono?: boolean;
}

/** The facts that identify a certificate (compact), or every fact, in the helpdesk's reading order. */
export function certificateFacts(d: CertificateDetails, lang: Language, compact = false): CertFact[] {
  const label = FACT_LABELS[lang];
  const v = FACT_VALUES[lang];
  const yesNo = (b: boolean | undefined) => (b === undefined ? v.unknown : b ? v.yes : v.no);
  const list = (xs: string[], words: Record<string, string> = {}) => (xs.length ? xs.map((x) => words[x] ?? x).join(lang === 'ja' ? '、' : ', ') : v.none);
  const fact = (key: FactKey, value: string, mono = false): CertFact => ({ key, label: label[key], value, ...(mono ? { mono } : {}) });
  const facts = [
    fact('subject', d.subject.text),
    fact('issuer', d.issuer.text),
    fact('serial', groupHex(d.serialHex), true),
    fact('notBefore', formatInstant(d.notBefore, lang)),
    fact('notAfter', formatInstant(d.notAfter, lang)),
    fact('sha256', groupHex(d.sha256), true),
    // Beside the SHA-256: the thumbprint (拇印) Windows' certificate dialogs show.
    fact('sha1', groupHex(d.sha1), true),
  ];
  if (compact) return facts;
  const key = d.keyAlgorithm === 'EC' ? `EC ${d.curve ?? fill(v.bits, { size: d.keySize })}` : `${d.keyAlgorithm} ${fill(v.bits, { size: d.keySize })}`;
  return [
    ...facts,
    fact('key', key),
    fact('keyUsage', list(d.keyUsage, KEY_USAGE_WORDS[lang])),
    fact('eku', list(d.extendedKeyUsage, EKU_WORDS[lang])),
    fact('san', list(d.subjectAltNames)),
    fact('isCA', yesNo(d.isCA)),
    fact('clientAuth', yesNo(d.facts.clientAuthUsable)),
    fact('selfSigned', yesNo(d.facts.selfSigned)),
    fact('hasKey', yesNo(d.facts.hasPrivateKey)),
    fact('chain', yesNo(d.facts.chainComplete)),
  ];
}

/** The facts as `label: value` lines (the command line, the export, the window's copy button). */
export function factLines(d: CertificateDetails, lang: Language, compact = false): string[] {
  return certificateFacts(d, lang, compact).map((f) => `${f.label}: ${f.value}`);
}
