// npm run bank -- --data DIR --port 0 --seed ID:DAYS[:PASSWORD] … [--admin-revoked ID] --clock ISO --pending N
// Seeds the accounts, starts serving, prints one JSON line on stdout; logs go to stderr.
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { BankServer } from './server';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function whole(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return n;
  };
}

function isoDate(v: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`not an ISO date/time: ${v}`);
  return d;
}

const program = new Command('bank')
  .description('The bank simulator: a strict EST server on loopback with the bank\'s renewal rules')
  .option('--data <dir>', 'data folder (CA, accounts, identities)', '.bank-data')
  .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', whole('--port', 0), 0)
  .option('--label <label>', 'EST label: serve under /.well-known/est/<label>')
  .option('--seed <ID:DAYS[:PASSWORD]>', 'account whose certificate expires in DAYS days (negative: expired); repeatable', collect, [])
  .option('--admin-revoked <ID>', 'a seeded account whose certificate its IB administrator revoked (a new PC: 取得 allowed at any time); repeatable', collect, [])
  .option('--account <ID[:PASSWORD]>', 'new account without a certificate (取得 allowed at once); repeatable', collect, [])
  .option('--key-type <type>', 'key type of seeded certificates: rsa2048 | ecdsaP256', 'rsa2048')
  .option('--clock <iso>', 'the bank\'s clock, fixed at this instant', isoDate)
  .option('--pending <n>', 'the next N enrolments answer 202 first', whole('--pending', 0), 0)
  .option('--retry-after <s>', 'Retry-After seconds for 202 answers', whole('--retry-after', 0), 1)
  .option('--one-tier', 'the self-signed root issues the clients itself (no issuing CA); use a fresh --data folder')
  .option('--require-common-name', '取得 needs a commonName (the login ID) in the request\'s subject: 500 "commonName field needed to be supplied" otherwise')
  .option('--csrattrs <content>', '/csrattrs content: algorithms | rich (challengePassword, ecPublicKey secp256r1, extensionRequest, sha256WithRSA)', 'algorithms')
  .parse();

const o = program.opts<{ data: string; port: number; label?: string; seed: string[]; adminRevoked: string[]; account: string[]; keyType: string; clock?: Date; pending: number; retryAfter: number; oneTier?: boolean; requireCommonName?: boolean; csrattrs: string }>();
if (o.keyType !== 'rsa2048' && o.keyType !== 'ecdsaP256') program.error('--key-type must be rsa2048 or ecdsaP256');
if (o.csrattrs !== 'algorithms' && o.csrattrs !== 'rich') program.error('--csrattrs must be algorithms or rich');

const bank = await BankServer.start({
  dataDir: resolve(o.data), port: o.port, ...(o.label ? { label: o.label } : {}), ...(o.clock ? { clock: o.clock } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
  oneTier: o.oneTier === true, requireCommonName: o.requireCommonName === true, csrAttrs: o.csrattrs as 'algorithms' | 'rich',
});
try {
  bank.setPending(o.pending, o.retryAfter);
  const identities: Record<string, { p12: string; password: string; loginPassword: string }> = {};
  for (const spec of o.seed) {
    const m = /^([^:]+):(-?\d+)(?::(.*))?$/.exec(spec);
    if (!m?.[1] || !m[2]) throw new Error(`--seed ${spec}: expected ID:DAYS[:PASSWORD]`);
    const id = await bank.seedAccount(m[1], Number(m[2]), m[3], { keyType: o.keyType as 'rsa2048' | 'ecdsaP256' });
    identities[id.id] = { p12: id.p12Path, password: id.p12Password, loginPassword: id.password };
  }
  for (const id of o.adminRevoked) {
    if (!identities[id]) throw new Error(`--admin-revoked ${id}: seed the account first (--seed ${id}:DAYS)`);
    await bank.revokeByAdmin(id);
  }
  const accounts: Record<string, { password: string }> = {};
  for (const spec of o.account) {
    const colon = spec.indexOf(':');
    const a = await bank.addAccount(colon < 0 ? spec : spec.slice(0, colon), colon < 0 ? undefined : spec.slice(colon + 1));
    accounts[a.id] = { password: a.password };
  }
  process.stdout.write(`${JSON.stringify({ url: bank.url, trustAnchor: bank.trustAnchorPath, identities, accounts })}\n`);
} catch (e) {
  process.stderr.write(`bank: ${e instanceof Error ? e.message : String(e)}\n`);
  await bank.stop();
  process.exit(2);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bank: ${signal}, stopping\n`);
    bank.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
