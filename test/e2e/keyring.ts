// A private D-Bus session with an unlocked gnome-keyring, so the vault (keytar → libsecret)
// talks to a real Secret Service in this test process without touching the user's keyring.
// One per worker process: libsecret keeps its bus connection for the life of the process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyringSession {
  address: string;
  /** Stops the keyring daemon (the bus stays): the vault then has no Secret Service. */
  stopKeyring(): void;
  /** Starts the keyring daemon again, unlocked. */
  startKeyring(): void;
}

let session: KeyringSession | undefined;

export function keyringSession(): KeyringSession {
  if (session) return session;
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-keyring-'));
  const dbus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  if (dbus.status !== 0) throw new Error(`dbus-daemon failed: ${dbus.stderr} (apt-get install dbus)`);
  const [address, pid] = dbus.stdout.trim().split('\n');
  if (!address || !pid) throw new Error(`dbus-daemon printed no address: ${dbus.stdout}`);
  mkdirSync(join(dir, 'data', 'keyrings'), { recursive: true, mode: 0o700 });
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: join(dir, 'data'), XDG_RUNTIME_DIR: dir, HOME: dir };
  const start = (replace: boolean) => {
    const r = spawnSync('sh', ['-c', `printf 'certdesk-e2e' | gnome-keyring-daemon ${replace ? '--replace ' : ''}--unlock --components=secrets`], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gnome-keyring-daemon failed: ${r.stderr} (apt-get install gnome-keyring)`);
  };
  // An empty --unlock password creates no "login" collection, which keytar writes to.
  start(false);
  // libsecret reads the bus address from the environment at its first call.
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  process.on('exit', () => {
    try {
      process.kill(Number(pid)); // gnome-keyring-daemon leaves when its bus goes away
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  session = {
    address,
    stopKeyring() {
      const r = spawnSync(
        'dbus-send',
        ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'],
        { env, encoding: 'utf8' },
      );
      const keyringPid = /uint32 (\d+)/.exec(r.stdout)?.[1];
      if (!keyringPid) throw new Error(`no Secret Service on the test bus: ${r.stderr}`);
      process.kill(Number(keyringPid));
    },
    startKeyring: () => start(true),
  };
  return session;
}
