// Server-side throughput of the bank, in process: N concurrent 取得, then M sequential,
// with memory readings. `node --import tsx test/bank/bench.ts [N=200] [M=0]`
import { request, Agent } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankServer } from './server';
import * as x509 from './x509';
import { clientSubject } from './ca';

const dir = mkdtempSync(join(tmpdir(), 'bank-perf-'));
const t0 = Date.now();
const bank = await BankServer.start({ dataDir: dir, clock: new Date('2026-06-01T03:00:00Z') });
console.log('start', Date.now() - t0, 'ms');
const N = Number(process.argv[2] ?? 200);
const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const bodies: Buffer[] = [];
let t = Date.now();
for (let i = 0; i < N; i++) {
  await bank.addAccount(`a${i}`, 'pw');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: clientSubject(`a${i}`), keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
  bodies.push(Buffer.from(csr.toString('base64') + '\n'));
}
console.log('setup', Date.now() - t, 'ms');
const agent = new Agent({ ca: bank.trustAnchorPem, keepAlive: true, maxSockets: 200 });
function post(i: number): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(`${bank.url}/simpleenroll`, { method: 'POST', agent, headers: { 'content-type': 'application/pkcs10', authorization: 'Basic ' + Buffer.from(`a${i}:pw`).toString('base64') } }, (res) => { res.resume(); res.on('end', () => ok(res.statusCode!)); });
    req.on('error', fail); req.end(bodies[i]);
  });
}
t = Date.now();
const codes = await Promise.all(bodies.map((_, i) => post(i)));
console.log(`${N} concurrent`, Date.now() - t, 'ms', codes.filter((c) => c === 200).length, 'ok');
const M = Number(process.argv[3] ?? 0);
for (let i = 0; i < M; i++) await bank.addAccount(`s${i}`, 'pw');
const mem0 = process.memoryUsage().rss;
t = Date.now();
for (let i = 0; i < M; i++) {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: clientSubject(`s${i}`), keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
  bodies[0] = Buffer.from(csr.toString('base64') + '\n');
  const c = await new Promise<number>((ok, fail) => {
    const req = request(`${bank.url}/simpleenroll`, { method: 'POST', agent, headers: { 'content-type': 'application/pkcs10', authorization: 'Basic ' + Buffer.from(`s${i}:pw`).toString('base64') } }, (res) => { res.resume(); res.on('end', () => ok(res.statusCode!)); });
    req.on('error', fail); req.end(bodies[0]);
  });
  if (c !== 200) throw new Error(String(c));
  if (i % 500 === 499) console.log(i + 1, Date.now() - t, 'ms', 'rss MB', Math.round(process.memoryUsage().rss / 1e6), 'heap MB', Math.round(process.memoryUsage().heapUsed / 1e6));
}
console.log('rss start MB', Math.round(mem0 / 1e6));
agent.destroy();
await bank.stop();
rmSync(dir, { recursive: true, force: true });
