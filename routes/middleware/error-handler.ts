import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../src/domain/app-error';

/** Body-parser failures carry a `type`; turn them into statuses and messages a caller can act on. */
function toAppError(err: unknown, contentEncoding?: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; limit?: number; code?: string };
  // A body that does not decompress (zlib/brotli error, no `type`): the client's bad body, not our failure.
  if (contentEncoding && e?.type === undefined && e?.status === 400 && typeof e.code === 'string')
    return new AppError(
      400,
      `body is not valid ${contentEncoding.slice(0, 20)} data (it does not match its Content-Encoding)`,
      {
        code: 'malformed',
      },
    );
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError(413, `body is larger than the limit of ${e.limit} bytes`, { code: 'too-large' });
    case 'parameters.too.many':
      return new AppError(413, 'body has too many form fields', { code: 'too-large' });
    case 'entity.parse.failed':
      return new AppError(400, 'body is not valid JSON', { code: 'malformed' });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported charset or content encoding; send UTF-8', { code: 'content-type' });
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError(400, 'the body was cut short', { code: 'malformed' });
    default:
      return new AppError(500, 'internal error', { code: 'internal' });
  }
}

/**
 * The one error middleware. It answers in the caller's envelope: the CRM's `{success:false, errorMsg, errors}`
 * on routers that set `res.locals.envelope = 'crm'`, `{error: {code, message, details}}` elsewhere.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toAppError(err, req.get('content-encoding'));
    if (e.status >= 500 && e.code === 'internal') log.error({ err, path: req.path }, 'unhandled error');
    else log.info({ path: req.path, status: e.status, code: e.code, reason: e.message }, 'request refused');
    if (res.headersSent) return;
    // For the callback capture (the dashboard shows why each rejected callback was refused).
    res.locals.refusal = e.details
      ? `${e.message}: ${Object.entries(e.details)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ')}`
      : e.message;
    if (res.locals.envelope === 'crm') {
      res.status(e.status).json({ success: false, errorMsg: e.message, ...(e.details ? { errors: e.details } : {}) });
    } else {
      res
        .status(e.status)
        .json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
    }
  };
}
