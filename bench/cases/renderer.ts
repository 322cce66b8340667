// The renderer: bundle size and time to first render in Debian's Chromium, each against a
// bare React 19 page built the same way (the floor any React renderer pays).
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { median, row, spawnInherit, type BenchRow } from '../lib';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'out/renderer');
// The flags of playwright.config.ts, plus file access for the built renderer (DESIGN).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--allow-file-access-from-files'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function sizes(dir: string, exts = /\.(js|css|html)$/): { bytes: number; gzip: number } {
  let bytes = 0;
  let gzip = 0;
  for (const f of filesUnder(dir)) {
    if (!exts.test(f)) continue;
    bytes += statSync(f).size;
    gzip += gzipSync(readFileSync(f)).length;
  }
  return { bytes, gzip };
}

export async function ensureRendererBuilt(force: boolean): Promise<void> {
  if (!force && existsSync(join(OUT, 'index.html'))) return;
  console.error('bench: building the renderer (npm run build)…');
  const code = await spawnInherit('npm', ['run', '--silent', 'build']);
  if (code !== 0) throw new Error(`npm run build exited ${code}`);
}

/** A bare React page: one component rendering a heading after a resolved promise, like ours. */
async function buildReferencePage(dir: string): Promise<string> {
  writeFileSync(join(dir, 'entry.tsx'), [
    "import { useEffect, useState } from 'react';",
    "import { createRoot } from 'react-dom/client';",
    'function App() {',
    '  const [t, setT] = useState<string | null>(null);',
    "  useEffect(() => { void Promise.resolve('Bank').then(setT); }, []);",
    '  return t ? <main><h1>{t}</h1></main> : <main aria-busy="true">…</main>;',
    '}',
    "createRoot(document.getElementById('root')!).render(<App />);",
  ].join('\n'));
  await build({
    entryPoints: [join(dir, 'entry.tsx')],
    outfile: join(dir, 'assets/index.js'),
    bundle: true, minify: true, format: 'esm', jsx: 'automatic', target: 'chrome130',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="UTF-8"><script type="module" src="./assets/index.js"></script></head><body><div id="root"></div></body></html>');
  return join(dir, 'index.html');
}

// Records, in the page's own clock (ms since navigation start), when #root first holds a heading.
const OBSERVER = `(() => {
  const mark = () => { if (!window.__firstRender && document.querySelector('#root h1')) window.__firstRender = performance.now(); };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
})();`;

// The contract as the renderer sees it, answering one renewable certificate. This is benchmark
// input, not a test double: it only lets the home screen draw.
const BRIDGE = `(() => {
  const now = new Date();
  const exp = new Date(now.getTime() + 20 * 86400000);
  const d = (x) => x.toISOString().slice(0, 10);
  const overview = { bankName: 'ベンチ銀行', now: now.toISOString(), today: d(now), certificates: [{
    fingerprint: 'a'.repeat(64), holder: 'ベンチ 太郎', organisation: 'ベンチ株式会社', notAfter: exp.toISOString(), expiryDate: d(exp),
    phase: 'renewable', daysLeft: 20, renewalOpensOn: d(new Date(exp.getTime() - 30 * 86400000)),
    graceEndsOn: d(new Date(exp.getTime() + 90 * 86400000)), remindersDue: [30], noticeDue: true, hasPrivateKey: true }] };
  const settings = { language: 'ja', endpoint: 'https://127.0.0.1/.well-known/est', bankName: 'ベンチ銀行', remindersAtLogin: true, managed: [] };
  const answers = { getOverview: overview, getSettings: settings };
  window.certdesk = new Proxy({}, { get: (_t, name) => name === 'on' ? () => () => {} :
    name in answers ? async () => ({ ok: true, value: answers[name] }) : () => new Promise(() => {}) });
})();`;

async function firstRender(browser: Browser, url: string, runs: number, bridge: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      if (bridge) await page.addInitScript(BRIDGE);
      await page.addInitScript(OBSERVER);
      await page.goto(url);
      await page.waitForFunction('window.__firstRender !== undefined', undefined, { timeout: 15_000 });
      const t = (await page.evaluate('window.__firstRender')) as number;
      if (i > 0) times.push(t);
    } finally {
      await context.close();
    }
  }
  return times;
}

export async function renderer(runs: number, opts: { rebuild: boolean }): Promise<BenchRow[]> {
  await ensureRendererBuilt(opts.rebuild);
  const refDir = mkdtempSync(join(tmpdir(), 'certdesk-bench-react-'));
  try {
    const refHtml = await buildReferencePage(refDir);
    const ours = sizes(OUT);
    const ref = sizes(refDir);
    const rows: BenchRow[] = [
      row('renderer-bundle-bytes', null, null, 1,
        'sizes, not times: out/renderer (js+css+html) against a bare React 19 page bundled by esbuild (minified, production). ratio = ours/ref bytes.',
        { ours_bytes: ours.bytes, ref_bytes: ref.bytes, ours_gzip: ours.gzip, ref_gzip: ref.gzip }),
    ];
    rows[0]!.ratio = Math.round((ours.bytes / ref.bytes) * 1000) / 1000;
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const oursT = await firstRender(browser, pathToFileURL(join(OUT, 'index.html')).href, runs, true);
      const refT = await firstRender(browser, pathToFileURL(refHtml).href, runs, false);
      rows.push(row('renderer-first-render', median(oursT), median(refT), runs,
        'ms from navigation start to the first <h1> inside #root (page clock), fresh context per run, file:// load; ours: the built renderer with the contract answered in-page; ref: the bare React page.'));
    } finally {
      await browser.close();
    }
    return rows;
  } finally {
    rmSync(refDir, { recursive: true, force: true });
  }
}
