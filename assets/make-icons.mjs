// Makes every icon from assets/icon.svg: PNGs rendered by headless Chromium, the Windows
// .ico (png-to-ico), the macOS .icns (PNG entries, written here: the format is a header
// and typed chunks) and the Linux icon set. Run: node assets/make-icons.mjs
// The generated files are committed, so a build never needs Chromium.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngToIco from 'png-to-ico';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'certdesk-icons-'));

function render(size) {
  const page = join(work, `icon-${size}.html`);
  writeFileSync(page, `<!doctype html><html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`);
  const out = join(work, `icon-${size}.png`);
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--force-device-scale-factor=1', '--default-background-color=00000000',
    `--window-size=${size},${size}`, `--screenshot=${out}`, `file://${page}`,
  ], { stdio: 'ignore' });
  const png = readFileSync(out);
  // PNG IHDR: width and height at bytes 16..23.
  if (png.readUInt32BE(16) !== size || png.readUInt32BE(20) !== size) throw new Error(`chromium rendered the wrong size for ${size}`);
  return png;
}

function icns(entries) {
  const chunks = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

try {
  const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
  const png = Object.fromEntries(sizes.map((s) => [s, render(s)]));
  writeFileSync(join(here, 'icon.png'), png[512]);
  writeFileSync(join(here, 'icon-256.png'), png[256]);
  writeFileSync(join(here, 'icon-1024.png'), png[1024]);
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const s of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(here, 'icons', `${s}x${s}.png`), png[s]);
  writeFileSync(join(here, 'icon.ico'), await pngToIco([16, 24, 32, 48, 64, 128, 256].map((s) => png[s])));
  // ic04/ic05 = 16/32, ic07 = 128, ic08 = 256, ic09 = 512, ic10 = 1024 (512@2x).
  writeFileSync(join(here, 'icon.icns'), icns([['ic04', png[16]], ['ic05', png[32]], ['ic07', png[128]], ['ic08', png[256]], ['ic09', png[512]], ['ic10', png[1024]]]));
  console.log('make-icons: icon.png, icon-256.png, icon-1024.png, icons/*.png, icon.ico, icon.icns');
} finally {
  rmSync(work, { recursive: true, force: true });
}
