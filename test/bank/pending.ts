// Manual approval, as a bank whose staff approve requests by hand: the next N new requests are
// answered 202 `rounds` times each, with Retry-After as delay-seconds or as an HTTP date
// (RFC 9110 §10.2.3, beside the answer's own Date); the identical request after that is approved.

export class ManualApproval {
  private left: number;
  private retryAfterSeconds = 1;
  private retryAfterForm: 'seconds' | 'date' = 'seconds';
  /** Held requests and how many more 202 answers each gets before it is approved. */
  private readonly held = new Map<string, number>();
  private rounds = 1;

  constructor(pending: number) {
    this.left = pending;
  }

  set(n: number, retryAfterSeconds = 1, rounds = 1, form: 'seconds' | 'date' = 'seconds'): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('pending must be a whole number ≥ 0');
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) throw new RangeError('retryAfterSeconds must be a whole number ≥ 0');
    if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('rounds must be a whole number ≥ 1');
    this.left = n;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rounds = rounds;
    this.retryAfterForm = form;
  }

  /** The request `key` at the bank's time `now`: null when it goes on to be decided, else the 202's body and headers. */
  hold(key: string, now: Date): { body: { reason: string; message: string }; headers: Record<string, string> } | null {
    const left = this.held.get(key);
    if (left === undefined) {
      if (this.left <= 0) return null;
      this.left--;
      this.held.set(key, this.rounds - 1);
    } else if (left <= 0) {
      this.held.delete(key);
      return null;
    } else {
      this.held.set(key, left - 1);
    }
    const headers: Record<string, string> = this.retryAfterForm === 'date' ? { Date: now.toUTCString(), 'Retry-After': new Date(now.getTime() + this.retryAfterSeconds * 1000).toUTCString() } : { 'Retry-After': String(this.retryAfterSeconds) };
    return { body: { reason: 'PENDING_APPROVAL', message: `The request awaits approval; send the same request again after ${this.retryAfterSeconds} s.` }, headers };
  }
}
