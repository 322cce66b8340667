// OpenSSL's pkcs11 engine given a key URI and PIN straight, with no guard before it, in a
// process of its own (`node --import tsx test/support/engine-direct.ts`, the input as JSON in
// ENGINE_DIRECT): libp11 prints the URI, PIN and all, on this process's stderr when the key
// cannot be loaded, which the test reads instead of letting it into the test run's own output.
// stdout: the CoreError's fields as JSON, and PKCS11_MODULE_PATH as it is afterwards.
import { createNodeTransport, type NodeTransportOptions } from '../../src/main/core/est';

const input = JSON.parse(process.env.ENGINE_DIRECT ?? '{}') as { anchorsPem: string; certPem: string; keyUri: string; pin: string; module: string };
delete process.env.ENGINE_DIRECT;
const opts: NodeTransportOptions = {
  anchorsPem: input.anchorsPem,
  identity: { certPem: input.certPem, engineKey: { keyUri: input.keyUri, pin: input.pin, module: input.module } },
  proxy: 'direct',
  connectTimeoutMs: 5000,
  requestTimeoutMs: 5000,
};
let out: Record<string, unknown> = { thrown: false };
try {
  createNodeTransport(opts).close?.();
} catch (err) {
  const e = err as Error & { code?: unknown; detail?: unknown };
  out = { thrown: true, name: e.constructor.name, code: e.code, detail: e.detail, message: e.message, stack: e.stack, cause: String(e.cause) };
}
process.stdout.write(JSON.stringify({ ...out, moduleEnv: process.env.PKCS11_MODULE_PATH ?? null }));
