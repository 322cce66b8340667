// The bank decides the requests of one account one after the other: its state is read,
// checked and changed across awaits (issuing, logging), so two requests of one account
// interleaved would both see the old state and both be issued. Other keys run alongside.
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task of `key` has settled; tasks of other keys are not held up. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = before.then(() => new Promise<void>((ok) => (release = ok)));
    this.tails.set(key, tail);
    await before;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
