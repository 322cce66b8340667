import type { CertificateDetails, Language } from '../../../shared/contract';
import { certificateFacts } from '../../../shared/cert-facts';
import { Fact, Hex } from './common';

/** The certificate's facts from the formatter the command line's `inspect` and the diagnostics export use too (src/shared/cert-facts.ts). */
export function CertFacts({ details, lang, compact = false }: { details: CertificateDetails; lang: Language; compact?: boolean }) {
  return (
    <dl className="facts facts-wide">
      {certificateFacts(details, lang, compact).map((f) => (
        <Fact key={f.key} label={f.label} className={f.mono ? 'mono' : 'wrap'} fact={f.key}>
          {f.mono ? <Hex text={f.value} /> : f.value}
        </Fact>
      ))}
    </dl>
  );
}
