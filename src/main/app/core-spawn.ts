// The core's process in the app: an Electron utilityProcess running out/main/core-process.js.
// PKCS#11 modules, the NSS tools, the vault and the bank over Node's TLS live there; a crash
// in a vendor's module ends that process, not the window's.
import { utilityProcess } from 'electron';
import type { CorePort } from './core-client';

export function spawnCoreProcess(entry: string): CorePort {
  const child = utilityProcess.fork(entry, [], { serviceName: 'CertDesk core', stdio: 'inherit' });
  return {
    send: (m) => {
      // A message racing the process's death: its exit handler answers the calls.
      try {
        child.postMessage(m);
      } catch {
        /* ended */
      }
    },
    onMessage: (fn) => void child.on('message', fn),
    onExit: (fn) => void child.on('exit', (code) => fn(code)),
    kill: () => void child.kill(),
    get pid() {
      return child.pid;
    },
  };
}
