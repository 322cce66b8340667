// Real PKCS#11 tokens for the custody tests: softhsm2 in a private token folder, and a
// software TPM (swtpm on loopback) behind tpm2-pkcs11 with a private store. Each is made
// fresh, its token initialised through PKCS#11 itself (C_InitToken, C_InitPIN), and torn down.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { required } from './required';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TPM_MODULE = ['/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so', '/usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so'].find((p) => existsSync(p)) ?? '/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so';

export const USER_PIN = '5678';
const CKF_SERIAL_SESSION = 0x4;
const CKF_RW_SESSION = 0x2;
const CKU_SO = 0;
const SO_PIN = '12345678';

export interface TestToken {
  module: string;
  label: string;
  pin: string;
  /** What the module needs in the environment (this process has it already): for tstclnt and modutil. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Why a token kind cannot run here, or null when its binaries are present. */
export function missing(kind: 'softhsm2' | 'tpm'): string | null {
  return required(missingPackage(kind));
}

function missingPackage(kind: 'softhsm2' | 'tpm'): string | null {
  const need = kind === 'softhsm2' ? [['softhsm2-util'], [SOFTHSM_MODULE]] : [['swtpm'], [TPM_MODULE]];
  for (const bin of need[0]!) if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed (apt-get install ${kind === 'tpm' ? 'swtpm libtpm2-pkcs11-1' : 'softhsm2'})`;
  for (const file of need[1]!) if (!existsSync(file)) return `${file} is missing (apt-get install ${kind === 'tpm' ? 'libtpm2-pkcs11-1' : 'softhsm2'})`;
  return null;
}

/** `pin`: another user PIN than USER_PIN (a distinctive one, for tests that search the disk for it). */
export async function startSofthsm(dir: string, label = 'CertDesk HSM', pin = USER_PIN): Promise<TestToken> {
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: conf };
  Object.assign(process.env, env);
  initToken(SOFTHSM_MODULE, label, pin);
  return { module: SOFTHSM_MODULE, label, pin, env, stop: async () => undefined };
}

/**
 * `broker`: tpm2-abrmd on the test's D-Bus session between the TPM and its clients, as the
 * kernel's /dev/tpmrm0 is on a real machine. Without a resource manager swtpm has three
 * transient object slots, which two clients of one token in one process (the custodian and
 * OpenSSL's engine, both logged in) exhaust: "out of memory for object contexts".
 */
export async function startSwtpm(dir: string, label = 'CertDesk TPM', opts: { broker?: boolean } = {}): Promise<TestToken> {
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(join(dir, 'store'), { recursive: true });
  // The swtpm TCTI takes the control port to be the command port + 1.
  const port = await freePortPair();
  const ctrl = port + 1;
  const child: ChildProcess = spawn('swtpm', ['socket', '--tpm2', '--tpmstate', `dir=${join(dir, 'state')}`, '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`, '--ctrl', `type=tcp,port=${ctrl},bindaddr=127.0.0.1`, '--flags', 'not-need-init,startup-clear'], { stdio: 'ignore' });
  // The control channel is probed: a probe of the command channel is taken for a client that left, and swtpm may then refuse the next one.
  await untilListening(ctrl, child);
  let broker: ChildProcess | undefined;
  let tcti = `swtpm:host=127.0.0.1,port=${port}`;
  if (opts.broker) {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('tpm2-abrmd needs a D-Bus session (run the tests through scripts/run-vitest.mjs)');
    const busName = `com.intel.tss2.Tabrmd.certdesk${port}`;
    broker = spawn('tpm2-abrmd', ['--session', '--allow-root', '--flush-all', `--dbus-name=${busName}`, `--tcti=${tcti}`], { stdio: 'ignore' });
    tcti = `tabrmd:bus_name=${busName},bus_type=session`;
  }
  const env = { TPM2_PKCS11_TCTI: tcti, TPM2_PKCS11_STORE: join(dir, 'store'), TSS2_LOG: process.env.TSS2_LOG ?? 'all+NONE' };
  Object.assign(process.env, env);
  // swtpm opens its command port a moment after the control port (and makes its seeds on a
  // fresh state first): tpm2-pkcs11 fails to start until then, so it is tried until it can.
  for (let attempt = 1; ; attempt++) {
    try {
      initToken(TPM_MODULE, label);
      break;
    } catch (err) {
      if (attempt >= 100 || child.exitCode !== null || (broker && broker.exitCode !== null) || !/C_Initialize|CKR_GENERAL_ERROR/.test(String((err as Error).message) + String((err as { method?: string }).method))) {
        child.kill('SIGTERM');
        broker?.kill('SIGTERM');
        throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    module: TPM_MODULE,
    label,
    pin: USER_PIN,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        if (broker && broker.exitCode === null) broker.kill('SIGTERM');
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The first free slot's token initialised with a label, an SO PIN and the user PIN, through PKCS#11. */
function initToken(module: string, label: string, pin = USER_PIN): void {
  const p = new pkcs11js.PKCS11();
  p.load(module);
  p.C_Initialize();
  try {
    const CKF_TOKEN_INITIALIZED = 0x400;
    const slot = p.C_GetSlotList(true).find((s) => !(p.C_GetTokenInfo(s).flags & CKF_TOKEN_INITIALIZED));
    if (!slot) throw new Error(`${module}: no free slot`);
    // The label is 32 blank-padded bytes: tpm2-pkcs11 refuses the zero padding pkcs11js adds otherwise.
    p.C_InitToken(slot, SO_PIN, label.padEnd(32, ' '));
    // softhsm2 moves an initialised token to a new slot: find it again by label.
    const ready = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === label)!;
    const s = p.C_OpenSession(ready, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    p.C_Login(s, CKU_SO, SO_PIN);
    p.C_InitPIN(s, pin);
    p.C_Logout(s);
    p.C_CloseSession(s);
  } finally {
    p.C_Finalize();
  }
}

async function freePortPair(): Promise<number> {
  for (;;) {
    const p = await freePort(0);
    if (p < 65535 && (await freePort(p + 1).then(() => true, () => false))) return p;
  }
}

function freePort(want: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(want, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Waits for the port to accept a connection, or for the process to die (then throws). */
async function untilListening(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`swtpm exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
