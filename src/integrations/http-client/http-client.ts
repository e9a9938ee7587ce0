import zlib from 'node:zlib';
import { Pool, type Dispatcher } from 'undici';
import { parseRetryAfter } from './classify-status';
import { DEFAULTS } from '../../compose/defaults';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  durationMs: number;
}

/**
 * A transport failure: nothing (or nothing usable) came back from the peer. `held`: nothing was sent, because the
 * peer asked (429/503 with Retry-After) to be left alone until `retryAfterMs` from now.
 */
export class HttpTransportError extends Error {
  readonly kind: 'timeout' | 'connection' | 'held';
  readonly retryAfterMs?: number;
  constructor(kind: 'timeout' | 'connection' | 'held', message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'HttpTransportError';
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Send nothing to `url`'s origin before `untilMs` (epoch ms); requests meanwhile fail with kind `held`. */
  holdUntil(url: string, untilMs: number): void;
  close(): void;
}

const USER_AGENT = 'Stockbridge/0.1 (+undici)';
const REDIRECT = new Set([301, 302, 303, 307, 308]);
/**
 * Characters WHATWG leaves as they are in a path or query but the legacy URL parser (what node-fetch 2 put on the
 * wire, and what `path-segment.ts` and its tests reason about) percent-escapes: kept byte for byte.
 */
const LEGACY_ESCAPE = /[{}|\\^`']/g;
const NEEDS_LEGACY_ESCAPE = /[{}|\\^`']/;
const legacyEscape = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase();
/** Repeated answer headers node:http kept only the first of (the rest were joined with ", "): kept so. */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);
/** undici's names for what node:http reported as socket errors, so messages (and logs) read as before. */
const NODE_CODE: Record<string, string> = { UND_ERR_SOCKET: 'ECONNRESET', UND_ERR_CLOSED: 'ECONNRESET' };

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

const connectionError = (err: unknown) => {
  const e = err as { name?: string; code?: string };
  const code = e.code && (NODE_CODE[e.code] ?? e.code);
  return new HttpTransportError('connection', `connection failed (${code ?? e.name ?? 'error'})`);
};

function headerText(name: string, v: string | string[] | undefined): string | undefined {
  if (!Array.isArray(v)) return v;
  if (FIRST_ONLY.has(name)) return v[0];
  return v.join(name === 'cookie' ? '; ' : ', ');
}

/**
 * A streaming decoder for the body's coding (gzip, deflate, br, as node-fetch 2 decoded), or undefined for a body
 * used as sent. Lenient flushing as node-fetch 2: a truncated gzip/deflate stream yields what it holds.
 */
function decoderFor(coding: string, firstByte: number): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip(lenient);
  // Some servers send raw deflate without the zlib header.
  if (coding === 'deflate' || coding === 'x-deflate')
    return (firstByte & 0x0f) === 0x08 ? zlib.createInflate(lenient) : zlib.createInflateRaw(lenient);
  if (coding === 'br') return zlib.createBrotliDecompress();
  return undefined;
}

/**
 * The only place that talks to the network: undici (Node's own HTTP engine), one keep-alive pool per origin with at
 * most `maxSockets` connections, driven through `dispatch` with a handler of our own (no body stream per answer:
 * about half the CPU per request of the node:http client it replaced, see bench/http-cost.ts). More requests than
 * sockets wait in the pool's queue and then run normally. What reaches the wire is what node-fetch 2 sent: the same
 * request target (WHATWG URL, then the legacy escapes), `Accept: *\/*` and `Accept-Encoding: gzip,deflate` unless
 * given (answers decoded as they stream in, within the size cap), a Content-Length for bodies, redirects not
 * followed (a relative Location made absolute). One timeout covers the wait for a socket, the answer and its body
 * (undici's own connect/headers/body timeouts are off, so there is no second clock).
 */
export function createHttpClient(
  opts: { timeoutMs?: number; maxSockets?: number; maxBodyBytes?: number } = {},
): HttpClient {
  const defaultTimeout = opts.timeoutMs ?? DEFAULTS.http.timeoutMs;
  // An answer (as sent, and decoded) larger than this is refused: a peer must not be able to exhaust memory.
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const poolOpts = { connections: opts.maxSockets ?? DEFAULTS.http.maxSockets, connect: { timeout: 0 } };
  // One pool per origin for the client's life, as http.Agent kept its sockets per origin. Not undici's Agent: it
  // closes an origin's pool whenever its last connection drops and opens a new one beside the closing one, so a peer
  // that resets every connection churned pools (and could briefly exceed maxSockets); the fan-out suite caught it.
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, poolOpts)));
    return pool;
  };
  // Per origin: the time before which nothing may be sent. The last check before the socket: rate limiters hand
  // out slots ahead of time, and a caller between its slot and its send must not slip into the pause.
  const holds = new Map<string, number>();

  function holdUntil(url: string, untilMs: number) {
    const origin = originOf(url);
    if (untilMs > (holds.get(origin) ?? 0)) holds.set(origin, untilMs);
  }

  function request(req: HttpRequest): Promise<HttpResponse> {
    let u: URL | undefined;
    try {
      u = new URL(req.url);
    } catch {
      // Checked against the holds like any other target, then refused as node-fetch did.
    }
    const origin = u?.origin ?? req.url;
    if (holds.size) {
      const heldFor = (holds.get(origin) ?? 0) - Date.now();
      if (heldFor > 0)
        return Promise.reject(
          new HttpTransportError('held', `not sent: the peer asked for a pause of ${heldFor} ms more`, heldFor),
        );
      holds.delete(origin);
    }
    if (!u) return Promise.reject(new HttpTransportError('connection', 'connection failed (ERR_INVALID_URL)'));
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return Promise.reject(new HttpTransportError('connection', 'connection failed (TypeError)'));

    const method = req.method.toUpperCase();
    const headers: Record<string, string> = {};
    if (req.headers) for (const k in req.headers) headers[k.toLowerCase()] = req.headers[k];
    headers.accept ??= '*/*';
    headers['user-agent'] ??= USER_AGENT;
    headers['accept-encoding'] ??= 'gzip,deflate';
    if (req.body !== undefined) {
      headers['content-type'] ??= 'text/plain;charset=UTF-8';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    } else if (method === 'POST' || method === 'PUT') headers['content-length'] = '0';
    let path = u.pathname + u.search;
    if (NEEDS_LEGACY_ESCAPE.test(path)) path = path.replace(LEGACY_ESCAPE, legacyEscape);

    const started = Date.now();
    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let decoder: ReturnType<typeof decoderFor>;
      const settle = (err: Error | null, res?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          decoder?.destroy();
          // Stops a request on its socket (the socket is closed), or one still queued when its turn comes: a
          // request that timed out waiting for a socket is never sent.
          if (controller && !controller.aborted) controller.abort(err);
          reject(err);
        } else resolve(res!);
      };
      const timer = setTimeout(
        () => settle(new HttpTransportError('timeout', `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const tooLarge = () => new HttpTransportError('connection', `answer larger than ${maxBodyBytes} bytes; refused`);

      let status = 0;
      let out: Record<string, string> = {};
      let coding: string | undefined;
      const chunks: Buffer[] = [];
      let sent = 0; // bytes as sent
      let size = 0; // bytes kept (decoded when coded)
      const keep = (c: Buffer) => {
        size += c.length;
        if (size > maxBodyBytes) return settle(tooLarge());
        chunks.push(c);
      };
      const finish = () => {
        if (settled) return;
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        settle(null, { status, headers: out, text: body.toString('utf8'), durationMs: Date.now() - started });
      };

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new HttpTransportError('timeout', 'timed out in the queue'));
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          out = {};
          for (const k in h) out[k] = headerText(k, h[k])!;
          if (status === 429 || status === 503) {
            const wait = parseRetryAfter(out['retry-after']);
            if (wait) holdUntil(req.url, Date.now() + wait);
          }
          if (REDIRECT.has(status) && out.location !== undefined) {
            try {
              out.location = new URL(out.location, req.url).toString();
            } catch {
              // An unusable Location stays as the peer sent it.
            }
          }
          const enc = method !== 'HEAD' && status !== 204 && status !== 304 ? out['content-encoding'] : undefined;
          coding = enc?.trim().toLowerCase();
        },
        onResponseData(_c, chunk) {
          if (settled) return;
          sent += chunk.length;
          if (sent > maxBodyBytes) return settle(tooLarge());
          if (coding === undefined) return keep(chunk);
          if (!decoder) {
            decoder = decoderFor(coding, chunk[0]);
            if (!decoder) {
              coding = undefined; // a coding we do not know: the body as sent, as node-fetch 2 did
              return keep(chunk);
            }
            // Decoded output counts against the cap as it streams: a small "zip bomb" stops at the cap, the
            // process stays up, and the rest of the answer is not read.
            decoder.on('data', keep);
            decoder.on('error', (err) => settle(connectionError(err)));
            decoder.on('end', finish);
          }
          decoder.write(chunk);
        },
        onResponseEnd() {
          if (decoder) decoder.end();
          else finish();
        },
        onResponseError(_c, err) {
          settle(err instanceof HttpTransportError ? err : connectionError(err));
        },
      };
      poolFor(u.origin).dispatch(
        {
          path,
          method,
          headers,
          body: req.body,
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    });
  }

  return {
    request,
    holdUntil,
    close() {
      // Sockets closed at once, requests in flight fail (as http.Agent#destroy did); nothing to wait for.
      for (const pool of pools.values()) pool.destroy().catch(() => undefined);
      pools.clear();
    },
  };
}
