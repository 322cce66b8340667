// Disk writes that survive a crash half-way: write a temp file beside the target, then
// rename over it (atomic on POSIX). No fsync per write: the bank is a test server and a
// flush storm under load would only measure the disk.
import { appendFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export async function writeAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Serializes writes of one file and coalesces bursts: `save()` resolves once a write
 * that started after the call has finished, so a caller's change is on disk when it
 * resolves, and 200 concurrent changes cost a couple of writes, not 200.
 */
export class CoalescingWriter {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly path: string, private readonly snapshot: () => string) {}

  save(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return (this.running = this.writeNow());
    const after = this.running;
    this.queued = after.catch(() => undefined).then(() => {
      this.queued = null;
      return (this.running = this.writeNow());
    });
    return this.queued;
  }

  /** Resolves when nothing is being written or waiting to be. */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running)!.catch(() => undefined);
  }

  private async writeNow(): Promise<void> {
    try {
      await writeAtomic(this.path, this.snapshot());
    } finally {
      this.running = null;
    }
  }
}

/**
 * Appends to one file, serialized and batched: `append()` resolves once its text is in
 * the file; appends that arrive during a write go out together in the next one.
 */
export class LineAppender {
  private queue: string[] = [];
  private next: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  append(text: string): Promise<void> {
    this.queue.push(text);
    if (!this.next) {
      this.next = this.tail.then(() => {
        const data = this.queue.join('');
        this.queue = [];
        this.next = null;
        return appendFile(this.path, data, { mode: 0o600 });
      });
      this.tail = this.next.catch(() => undefined);
    }
    return this.next;
  }

  async idle(): Promise<void> {
    while (this.next) await this.tail;
    await this.tail;
  }
}
