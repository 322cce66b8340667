// The world the command-line tests run `certdesk` in: the bank simulator, a CLI bundle of the
// file's own (test files running side by side never rebuild each other's), and PCs, each with
// a real NSS db, the bank's policy, its own data and state folders, and a runner for the built
// command line on it. `cliWorld(name)` registers the beforeAll/afterAll that start and end it.
// Beside cli-world.ts, not in it: that file's helpers are imported by Playwright specs too,
// which must not load vitest.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startBank, type Bank } from '../bank';
import { buildCliBundle, ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from './cli-world';

export type Account = Awaited<ReturnType<Bank['seedAccount']>>;

export interface CliPc {
  /** Which PC of the world this is (1, 2, …): tests name their bank accounts by it. */
  n: number;
  dir: string;
  db: string;
  /** CERTDESK_DATA_DIR (journal, settings, ledgers). */
  data: string;
  policy: string;
  /** The environment every run gets (CERTDESK_DATA_DIR, XDG_STATE_HOME under dir, and what pc() was given). */
  env: NodeJS.ProcessEnv;
  /** The account's certificate and key, imported into the db from its PKCS#12. */
  hold(account: Account): Promise<void>;
  /** `certdesk <args> [fixed args] --policy <policy> --store nss:<db>`, as a user runs it. */
  certdesk(args: string[], extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof run>;
}

export interface PcOptions {
  /** The PC's folder under the world (default pc1, pc2, …). */
  name?: string;
  /** Policy fields over the bank's (bankName テスト銀行, endpoint, trust anchor). */
  policy?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Arguments every run gets after its own (e.g. --lang ja). */
  args?: string[];
}

export interface CliWorld {
  readonly bank: Bank;
  readonly work: string;
  /** The built command line (cli.js). */
  readonly cli: string;
  pc(o?: PcOptions): Promise<CliPc>;
}

/** `name` names the bundle and the temporary folder (certdesk-cli-<name>-…). */
export function cliWorld(name: string): CliWorld {
  let bank: Bank | undefined;
  let work = '';
  let cli = '';
  let n = 0;
  beforeAll(async () => {
    await ensureKeyring();
    work = await tempDir(`certdesk-cli-${name}-`);
    cli = await buildCliBundle(name);
    bank = await startBank({ dataDir: join(work, 'bank') });
  });
  afterAll(async () => {
    await bank?.stop();
    await rm(work, { recursive: true, force: true });
    if (cli) await rm(join(cli, '..'), { recursive: true, force: true });
  });
  const world: CliWorld = {
    get bank() {
      if (!bank) throw new Error('cliWorld: the bank starts in beforeAll');
      return bank;
    },
    get work() {
      return work;
    },
    get cli() {
      return cli;
    },
    async pc(o = {}) {
      const index = ++n;
      const dir = join(work, o.name ?? `pc${index}`);
      const db = join(dir, 'nssdb');
      const data = join(dir, 'data');
      await mkdir(db, { recursive: true });
      await newNssDb(db);
      const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: world.bank.url, trustAnchorFile: world.bank.trustAnchorPath, ...o.policy });
      const env = { ...process.env, ...o.env, CERTDESK_DATA_DIR: data, XDG_STATE_HOME: join(dir, 'state') };
      return {
        n: index,
        dir,
        db,
        data,
        policy,
        env,
        hold: (a) => importP12(db, a.p12Path, a.p12Password),
        certdesk: (args, extraEnv = {}) => run(process.execPath, [cli, ...args, ...(o.args ?? []), '--policy', policy, '--store', `nss:${db}`], { env: { ...env, ...extraEnv } }),
      };
    },
  };
  return world;
}
