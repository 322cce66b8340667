// certdesk.cmd and cmd.exe's own parsing (review LOW5, BatBadBut): a batch file cannot look at
// its arguments before cmd parses them, so the guide tells scripts what never to pass, and the
// launcher says why it does not try.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('certdesk.cmd arguments', () => {
  it('the IT guide forbids & | < > ^ % ! and inner quotes for callers, and names the class', () => {
    const guide = readFileSync(join(ROOT, 'docs/it-guide.md'), 'utf8').replace(/\s+/g, ' ');
    expect(guide).toContain('Arguments must not contain `& | < > ^ % !` or a `"` inside an argument');
    expect(guide).toContain('CVE-2024-24576');
    expect(guide).toContain('never pass text from users or the network as an argument');
  });

  it('the launcher passes %* on as before, with the reason it does not check', () => {
    const cmd = readFileSync(join(ROOT, 'build/win/certdesk.cmd'), 'utf8');
    expect(cmd).toContain('rem Arguments must not hold & | < > ^ % ! or a quote inside an argument');
    expect(cmd).toMatch(/"%CERTDESK_EXE%" --headless %\* >"%CERTDESK_RUN%\\out\.txt"/);
  });
});
