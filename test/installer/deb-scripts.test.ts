// The .deb's maintainer scripts (issue 25 item 3): after-remove is electron-builder's but for
// the link after-install makes; CertDesk's part of after-install (the policy folder, the
// schedule for every user) and the prerm (the schedule removed at a removal, not at an upgrade)
// run for real, as root, with bash/sh, in a chroot whose /usr is this machine's (read-only) and
// whose /opt and /etc are the test's, in a private mount namespace; the app's command line is a
// stub that records its arguments. The desktop file's x-scheme-handler/certdesk is checked with
// electron-builder's own writer in test/app/builder-config.test.ts.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootUnavailable, makeRoot, runInChroot } from './chroot';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const ROOT = join(import.meta.dirname, '..', '..');
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { productName: string; deb: Record<string, unknown> };
const OPT = `/opt/${config.productName}`;
const base = mkdtempSync(join(tmpdir(), 'certdesk-deb-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** electron-builder's template variables, as FpmTarget fills them for this config. */
const render = (tpl: string) => tpl.replaceAll('${sanitizedProductName}', config.productName).replaceAll('${executable}', 'certdesk');

describe('the deb\'s scripts, as configured', () => {
  it('electron-builder.yml: after-install, after-remove, and the prerm through fpm', () => {
    expect(config.deb).toMatchObject({ afterInstall: 'build/linux/after-install.tpl', afterRemove: 'build/linux/after-remove.tpl', fpm: ['--before-remove', 'build/linux/before-remove.sh'] });
    expect(lstatSync(join(ROOT, 'build/linux/before-remove.sh')).mode & 0o777).toBe(0o755);
  });

  it('after-remove is electron-builder\'s, removing the alternative after-install registers (bin/certdesk), not the app\'s binary', () => {
    const ours = readFileSync(join(ROOT, 'build/linux/after-remove.tpl'), 'utf8').split('\n');
    const theirs = readFileSync(join(ROOT, 'node_modules/app-builder-lib/templates/linux/after-remove.tpl'), 'utf8').split('\n');
    const comment = ours.findIndex((l, i) => i > 0 && !l.startsWith('#'));
    const expected = theirs.slice(1).map((l) => l.replaceAll("'/opt/${sanitizedProductName}/${executable}'", "'/opt/${sanitizedProductName}/bin/certdesk'"));
    expect(ours[0]).toBe('#!/bin/bash');
    expect(ours.slice(comment)).toEqual(expected);
    const install = readFileSync(join(ROOT, 'build/linux/after-install.tpl'), 'utf8');
    const registered = /update-alternatives --install '[^']+' '[^']+' ('[^']+')/.exec(install)![1];
    expect(ours.join('\n')).toContain(`update-alternatives --remove '\${executable}' ${registered}`);
  });
});

const why = chrootUnavailable(base, 'the deb script test');

/** A chroot with this machine's /usr (read-only), the app's launcher stub in /opt, an empty /etc. */
function world(name: string, setup?: (root: string) => void) {
  const root = join(base, name);
  makeRoot(root);
  mkdirSync(join(root, 'etc'), { mode: 0o755 });
  const cli = join(root, OPT, 'bin/certdesk');
  mkdirSync(join(cli, '..'), { recursive: true });
  writeFileSync(cli, '#!/bin/sh\nprintf \'%s\\n\' "$@" >> /cli-args\n', { mode: 0o755 });
  setup?.(root);
  return {
    root,
    run(shell: string, script: string, args: string[]) {
      writeFileSync(join(root, 'script'), script);
      return runInChroot(root, [shell, '/script', ...args]);
    },
    cliArgs: () => (existsSync(join(root, 'cli-args')) ? readFileSync(join(root, 'cli-args'), 'utf8').trim().split('\n') : null),
  };
}

/** CertDesk's part of after-install, rendered as FpmTarget renders the template. */
const certdeskPart = () => {
  const text = readFileSync(join(ROOT, 'build/linux/after-install.tpl'), 'utf8');
  return `#!/bin/bash\n${render(text.slice(text.indexOf('\n# CertDesk (docs/it-guide.md')))}`;
};

describe.skipIf(why)('the deb\'s scripts, run as root', () => {
  it('after-install: /etc/certdesk made root-owned 755; the schedule installed for every user', () => {
    const w = world('install');
    expect(w.run('/bin/bash', certdeskPart(), ['configure'])).toEqual({ code: 0, stderr: '' });
    const st = lstatSync(join(w.root, 'etc/certdesk'));
    expect([st.isDirectory(), st.mode & 0o7777, st.uid, st.gid]).toEqual([true, 0o755, 0, 0]);
    expect(w.cliArgs()).toEqual(['schedule', 'install', '--all-users']);
  });

  it('after-install: an /etc/certdesk that is there is left as it is; a failed schedule install is reported, the package stays installed', () => {
    const w = world('existing', (root) => {
      mkdirSync(join(root, 'etc/certdesk'));
      chmodSync(join(root, 'etc/certdesk'), 0o777);
      chownSync(join(root, 'etc/certdesk'), 1000, 1000);
      writeFileSync(join(root, OPT, 'bin/certdesk'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    });
    const r = w.run('/bin/bash', certdeskPart(), ['configure']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('certdesk: schedule install --all-users failed; run it again as root (docs/it-guide.md).\n');
    const st = lstatSync(join(w.root, 'etc/certdesk'));
    expect([st.mode & 0o7777, st.uid]).toEqual([0o777, 1000]);
  });

  it('prerm: the schedule removed for every user at a removal (and a purge), kept at an upgrade', () => {
    const script = readFileSync(join(ROOT, 'build/linux/before-remove.sh'), 'utf8');
    expect(script).toContain(`'${OPT}/bin/certdesk' schedule remove --all-users`);
    for (const [arg, calls] of [['remove', ['schedule', 'remove', '--all-users']], ['purge', ['schedule', 'remove', '--all-users']], ['upgrade', null], ['failed-upgrade', null], ['deconfigure', null]] as const) {
      const w = world(`prerm-${arg}`);
      expect(w.run('/bin/sh', script, [arg]), arg).toEqual({ code: 0, stderr: '' });
      expect(w.cliArgs(), arg).toEqual(calls);
    }
  });
});
