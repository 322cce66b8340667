import { useEffect, useState } from 'react';
import type { Overview, ApiError } from '../../shared/contract';
import { api } from './api';

export function App() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api().getOverview().then((r) => (r.ok ? setOverview(r.value) : setError(r.error)));
  }, []);
  if (error) return <main><h1>エラー</h1><p>{error.message}</p></main>;
  if (!overview) return <main aria-busy="true">読み込み中…</main>;
  return (
    <main>
      <h1>{overview.bankName} 電子証明書</h1>
      <ul>
        {overview.certificates.map((c) => (
          <li key={c.fingerprint}>{c.holder} — {c.expiryDate} ({c.daysLeft})</li>
        ))}
      </ul>
    </main>
  );
}
