// The one error type of the core. It carries a contract error code so that every layer
// above (service, IPC, CLI) can answer with a typed error instead of a library's exception.
// Its `detail.reason` is typed by the code (error-reasons.ts): a reason the code does not carry,
// or a misspelt one, does not compile.
import type { ApiError, ErrorCode, ErrorDetail } from '../../shared/contract';

export class CoreError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly detail?: ErrorDetail<C>;
  /** `err instanceof CoreError` narrows to a CoreError of any code (not of `any`), so its reason stays typed. */
  static override [Symbol.hasInstance](value: unknown): value is CoreError {
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  constructor(code: C, message: string, detail?: ErrorDetail<C>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
    this.code = code;
    if (detail) this.detail = detail;
  }
  toApiError(): ApiError<C> {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }
}

/** Whether `err` is a CoreError of `code`, typed so: its reason is one of that code's. */
export function isCoreError<C extends ErrorCode>(err: unknown, code: C): err is CoreError<C> {
  return err instanceof CoreError && err.code === code;
}

/** Any thrown value as a contract error: a CoreError keeps its code, anything else is INTERNAL. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof CoreError) return err.toApiError();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
