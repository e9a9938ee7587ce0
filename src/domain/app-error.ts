/**
 * The one error type that crosses layers. `message` is always safe to show a caller (no secrets, no
 * internals); `details` names bad fields; `status` is the HTTP status the edge should answer with.
 */
export class AppError extends Error {
  readonly status: number;
  readonly details?: Record<string, string>;
  readonly code: string;

  constructor(
    status: number,
    message: string,
    opts: { details?: Record<string, string>; code?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.status = status;
    this.details = opts.details;
    this.code = opts.code ?? 'error';
  }
}
