// `certdesk doctor`: the window's pre-processing checks only (policy, store, key, endpoint, CA,
// clock), where each policy field came from, and what the next request will be made of.
import type { Command } from 'commander';
import { fingerprintOption, pickCertificate } from '../choose';
import { printRequest, report } from '../output';
import { safe } from '../safe-text';
import { unwrap } from '../session';
import { doctorVerdict } from '../verdict';
import { fingerprintHelp, summaryOf, type CommandKit } from './kit';

export function registerDoctor(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('doctor')
    .description('更新前処理（確認のみ） / pre-processing checks only: policy, store, key, endpoint, CA, clock')
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .action(
      action('doctor', async (o) => {
        const fp = fingerprintOption(s, o);
        const c = await s.context(o);
        const target = await pickCertificate(s, c, fp, true);
        const r = unwrap(await c.service.runPreflight(target));
        const v = doctorVerdict(r);
        const cert = s.overviewRead?.certificates.find((x) => x.fingerprint === target);
        s.note('doctor', v.state, { ...(cert ? { certificate: summaryOf(cert) } : {}), ...(v.error ? { lastError: v.error.code } : {}) });
        // Where each effective field came from: the built-in policy, the user's file, the machine's file or the registry.
        // The user's fields the bank's or IT's policy overrides, and a key kept otherwise than keyStorage asks: said, never silent.
        // Where the key goes is the core's one decision (r.custody), read, never worked out here.
        const custody = r.custody;
        const otherwise = custody?.storage !== undefined && custody.storage !== custody.asked ? { keyStorageEffective: custody.storage } : {};
        const policy = { source: c.loaded.source, managed: c.loaded.managed, origins: c.loaded.origins ?? {}, ignored: c.loaded.ignored ?? [], ...otherwise };
        return report(s, v, { ...r, policy }, () => {
          const t = s.t();
          s.out(`${t.policyOrigins}:`);
          for (const [field, from] of Object.entries(policy.origins)) s.out(`  ${safe(field)}: ${safe(from)}${policy.managed.includes(field) ? `（${t.managed}）` : ''}`);
          for (const i of policy.ignored) s.out(`  ${t.policyIgnored(safe(i.field), safe(i.file), safe(i.by), i.reason)}`);
          if (custody?.why === 'SEVERAL_STORES') s.out(t.keyStorageSoftware(custody.stores));
          else if (custody?.why === 'MACOS_SOFTWARE') s.out(t.keyStorageSoftwareMac);
          if (r.request) printRequest(s, r.request);
          for (const k of r.keysWithoutCertificate ?? []) s.out(t.keyWithoutCertificate(safe(k.label), safe(k.keyId), k.ours));
          s.out(r.passed ? t.passed : v.state === 'broken' ? t.failed : t.passed);
        });
      }),
    );
}
