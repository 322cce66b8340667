// Reading a file that someone else controls (the policy, its trust anchor): it may be a FIFO
// that never answers, a device that never ends, a huge file, or not text at all. Opened
// without blocking, checked to be a regular file on the opened descriptor (no race with a
// swap between a stat and the open), read up to a cap with a timeout, decoded as strict UTF-8.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CoreError } from '../errors';

export const POLICY_MAX_BYTES = 1024 * 1024;
export const READ_TIMEOUT_MS = 5_000;

export type BoundedReadFailure =
  | { reason: 'MISSING' | 'UNREADABLE'; errno: string }
  | { reason: 'NOT_A_FILE'; kind: string }
  | { reason: 'TOO_LARGE'; bytes: number }
  | { reason: 'TIMEOUT' }
  | { reason: 'NOT_UTF8'; offset: number };

export class BoundedReadError extends Error {
  constructor(readonly failure: BoundedReadFailure) {
    super(failure.reason);
  }
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Where the first byte that is not UTF-8 is, or -1. Overlongs, surrogates and > U+10FFFF are invalid, as TextDecoder's fatal mode says. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** A check of the opened file before it is read (machine-trust.ts: who can have written it); throws a CoreError to refuse it. */
export type OpenedCheck = (fh: FileHandle) => Promise<void>;

async function readCapped(path: string, cap: number, check?: OpenedCheck): Promise<Uint8Array> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (Windows has no such flag, nor FIFOs to open).
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BoundedReadError({ reason: errno === 'ENOENT' || errno === 'ENOTDIR' ? 'MISSING' : 'UNREADABLE', errno });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new BoundedReadError({ reason: 'NOT_A_FILE', kind: kindOf(st) });
    if (st.size > cap) throw new BoundedReadError({ reason: 'TOO_LARGE', bytes: st.size });
    // Checked and read through this one descriptor: what was checked is what is read.
    if (check) await check(fh);
    // cap + 1: a file that grew since the stat is caught too.
    const buf = new Uint8Array(cap + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > cap) throw new BoundedReadError({ reason: 'TOO_LARGE', bytes: got });
    }
    return buf.subarray(0, got);
  } catch (err) {
    if (err instanceof BoundedReadError || err instanceof CoreError) throw err;
    throw new BoundedReadError({ reason: 'UNREADABLE', errno: (err as NodeJS.ErrnoException).code ?? 'error' });
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The file's text (a leading BOM removed), or a BoundedReadError saying what is wrong with it. */
export async function readTextBounded(path: string, opts: { maxBytes?: number; timeoutMs?: number; check?: OpenedCheck; verify?: (bytes: Uint8Array) => void } = {}): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  let fail: (e: Error) => void = () => undefined;
  const timeout = new Promise<never>((_, reject) => (fail = reject));
  // A stalled network share: we stop waiting (the read itself cannot be cancelled).
  const arm = () => (timer = setTimeout(() => fail(new BoundedReadError({ reason: 'TIMEOUT' })), opts.timeoutMs ?? READ_TIMEOUT_MS));
  // The check has its own limits (a PowerShell run may take seconds on a cold PC): not counted as reading.
  const check: OpenedCheck | undefined = opts.check && (async (fh) => {
    clearTimeout(timer);
    try {
      await opts.check!(fh);
    } finally {
      arm();
    }
  });
  arm();
  let bytes: Uint8Array;
  try {
    bytes = await Promise.race([readCapped(path, opts.maxBytes ?? POLICY_MAX_BYTES, check), timeout]);
  } finally {
    clearTimeout(timer);
  }
  // The bytes as read (builtin-integrity.ts hashes them): what is checked is what is parsed.
  opts.verify?.(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The decoder says only that it failed: where is for the message.
    throw new BoundedReadError({ reason: 'NOT_UTF8', offset: Math.max(0, firstInvalidUtf8(bytes)) });
  }
}
