// The core's process entry (out/main/core-process.js). In the app Electron starts it as a
// utilityProcess (messages through process.parentPort); under plain Node it is forked with
// `serialization: 'advanced'` (process.send), with the same messages. It ends with its parent.
import { serveCore, type CorePortInside } from './serve';

// The process's own start (not this module's load): the ready message reports the time since.
const started = performance.timeOrigin;

interface ParentPort {
  postMessage(m: unknown): void;
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function nodePort(): CorePortInside {
  if (!process.send) throw new Error('core-process: start me from CertDesk (utilityProcess or child_process.fork with an IPC channel)');
  // Main is gone (closed, crashed): nothing would ever hear this process again.
  process.on('disconnect', () => process.exit(0));
  return {
    send: (m) => void process.send?.(m),
    onMessage: (fn) => process.on('message', fn),
  };
}

const port: CorePortInside = parentPort
  ? { send: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', (e) => fn(e.data)) }
  : nodePort();

serveCore(port, started);
