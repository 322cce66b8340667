import type { ApiError, Language } from '../../../shared/contract';
import { ErrorPanel } from '../components/ErrorPanel';

export function ErrorScreen(props: { error: ApiError; lang: Language; onRetry?: (() => void) | undefined; onHome(): void; onAcquire(): void; onNewPc?: () => void }) {
  return (
    <section className="screen" data-screen="error" data-code={props.error.code}>
      <ErrorPanel {...props} titleAsHeading />
    </section>
  );
}
