// The exit codes as `certdesk --help` lists them (the error policy's EXIT); docs/it-guide.md has
// the same table (a test compares them).
import { EXIT, type ExitCode } from '../../shared/error-policy';

export const EXIT_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.done, '完了・正常（更新は不要） done; status/doctor: healthy, nothing due'],
  [EXIT.failed, '問題あり（ネットワーク、プロキシ、信頼、ストア、鍵、ポリシー） broken: network, proxy, trust, store, key, policy'],
  [EXIT.usage, '使い方の誤り usage error'],
  [EXIT.renewalNotOpen, '更新期間前（renew のみ） renew: renewal not open yet'],
  [EXIT.useAcquire, '期限切れ・取得が必要 expired: 取得 (acquire) needed'],
  [EXIT.reissue, '再発行（お取引店） reissue at the branch'],
  [EXIT.renewalOpen, '更新期間中（renew してください） renewal is open: renew'],
  [EXIT.newPc, '証明書なし（新しいPC: 以前の証明書を失効してから取得） new PC: no certificate here; revoke the old one, then acquire'],
];
