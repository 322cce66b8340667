// The one error type of the core. It carries a contract error code so that every layer
// above (service, IPC, CLI) can answer with a typed error instead of a library's exception.
import type { ApiError, ErrorCode } from '../../shared/contract';

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly detail?: ApiError['detail'];
  constructor(code: ErrorCode, message: string, detail?: ApiError['detail'], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
    this.code = code;
    if (detail) this.detail = detail;
  }
  toApiError(): ApiError {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }
}

/** Any thrown value as a contract error: a CoreError keeps its code, anything else is INTERNAL. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof CoreError) return err.toApiError();
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
