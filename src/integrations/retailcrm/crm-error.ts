import { AppError } from '../../domain/app-error';

export type CrmErrorKind =
  | 'rate-limited'
  | 'auth'
  | 'payment'
  | 'not-found'
  | 'refused'
  | 'html'
  | 'bad-answer'
  | 'server'
  | 'timeout'
  | 'connection';

/** A RetailCRM failure. Keeps the CRM's own `errorMsg` and `errors`; never the API key or full URL. */
export class CrmError extends AppError {
  readonly kind: CrmErrorKind;
  readonly httpStatus: number;
  readonly errorMsg?: string;
  readonly errors?: unknown;
  readonly retryAfterMs?: number;

  constructor(
    kind: CrmErrorKind,
    message: string,
    opts: { httpStatus?: number; errorMsg?: string; errors?: unknown; retryAfterMs?: number } = {},
  ) {
    super(502, message, { code: `crm-${kind}` });
    this.name = 'CrmError';
    this.kind = kind;
    this.httpStatus = opts.httpStatus ?? 0;
    this.errorMsg = opts.errorMsg;
    this.errors = opts.errors;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** Worth another try later (rate limits, outages, timeouts); the rest need a person or different data. */
  get retryable(): boolean {
    return ['rate-limited', 'server', 'timeout', 'connection'].includes(this.kind);
  }
}
