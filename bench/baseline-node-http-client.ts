import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { parseRetryAfter } from '../src/integrations/http-client/classify-status';
import { DEFAULTS } from '../src/compose/defaults';

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

const USER_AGENT = 'Stockbridge/0.1 (+node:http)';
const REDIRECT = new Set([301, 302, 303, 307, 308]);
/**
 * Characters WHATWG leaves as they are in a path or query but the legacy URL parser (what node-fetch 2 put on the
 * wire, and what `path-segment.ts` and its tests reason about) percent-escapes: kept byte for byte.
 */
const LEGACY_ESCAPE = /[{}|\\^`']/g;
const NEEDS_LEGACY_ESCAPE = /[{}|\\^`']/;
const legacyEscape = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase();

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

const connectionError = (err: unknown) => {
  const e = err as { name?: string; code?: string };
  return new HttpTransportError('connection', `connection failed (${e.code ?? e.name ?? 'error'})`);
};

/** The body as sent, or its decoding (gzip, deflate, br) when the peer compressed it, as node-fetch 2 did. */
function decode(
  buf: Buffer,
  encoding: string | undefined,
  maxBytes: number,
  done: (err: Error | null, out?: Buffer) => void,
) {
  const coding = encoding?.trim().toLowerCase();
  // maxOutputLength: a small compressed answer must not inflate past the cap (a "zip bomb" would end the process).
  const lenient = {
    flush: zlib.constants.Z_SYNC_FLUSH,
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
    maxOutputLength: maxBytes,
  };
  if (coding === 'gzip' || coding === 'x-gzip') zlib.gunzip(buf, lenient, done);
  else if (coding === 'deflate' || coding === 'x-deflate')
    // Some servers send raw deflate without the zlib header.
    (buf.length && (buf[0] & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw)(buf, lenient, done);
  else if (coding === 'br') zlib.brotliDecompress(buf, { maxOutputLength: maxBytes }, done);
  else done(null, buf);
}

/**
 * The only place that talks to the network: `node:http`/`node:https` with keep-alive agents (one pool per client,
 * `maxSockets` per origin). More requests than sockets simply wait in the agent's queue for a free socket and then
 * run normally (node-fetch 2 on Node 20 failed such requests with ERR_STREAM_PREMATURE_CLOSE on chunked answers, so
 * it was replaced). What reaches the wire is what node-fetch 2 sent: the same request target (WHATWG URL, then the
 * legacy escapes), `Accept: *\/*` and `Accept-Encoding: gzip,deflate` unless given (answers decoded), a
 * Content-Length for bodies, redirects not followed (a relative Location made absolute). One timeout covers the
 * wait for a socket, the answer and its body.
 */
export function createHttpClient(
  opts: { timeoutMs?: number; maxSockets?: number; maxBodyBytes?: number } = {},
): HttpClient {
  const defaultTimeout = opts.timeoutMs ?? DEFAULTS.http.timeoutMs;
  // An answer (as sent, and decoded) larger than this is refused: a peer must not be able to exhaust memory.
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? DEFAULTS.http.maxSockets };
  const httpAgent = new http.Agent(agentOpts);
  const httpsAgent = new https.Agent(agentOpts);
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
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:')
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
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;

    const started = Date.now();
    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let outgoing: http.ClientRequest | undefined;
      const settle = (err: Error | null, res?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          outgoing?.destroy();
          reject(err);
        } else resolve(res!);
      };
      const timer = setTimeout(
        () => settle(new HttpTransportError('timeout', `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onResponse = (res: http.IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status === 429 || status === 503) {
          const wait = parseRetryAfter(headerText(res.headers['retry-after']));
          if (wait) holdUntil(req.url, Date.now() + wait);
        }
        const chunks: Buffer[] = [];
        let ended = false;
        let size = 0;
        const tooLarge = () =>
          new HttpTransportError('connection', `answer larger than ${maxBodyBytes} bytes; refused`);
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBodyBytes) return void chunks.push(c);
          ended = true;
          settle(tooLarge());
          res.destroy();
        });
        res.on('error', (err) => settle(connectionError(err)));
        res.on('close', () => {
          if (!ended) settle(new HttpTransportError('connection', 'connection failed (ECONNRESET)'));
        });
        res.on('end', () => {
          ended = true;
          const out: Record<string, string> = {};
          for (const k in res.headers) out[k] = headerText(res.headers[k])!;
          if (REDIRECT.has(status) && out.location !== undefined) {
            try {
              out.location = new URL(out.location, req.url).toString();
            } catch {
              // An unusable Location stays as the peer sent it.
            }
          }
          const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const coded = method !== 'HEAD' && status !== 204 && status !== 304 ? out['content-encoding'] : undefined;
          decode(body, coded, maxBodyBytes, (err, buf) => {
            const over = (err as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
            if (err) return settle(over ? tooLarge() : connectionError(err));
            settle(null, { status, headers: out, text: buf!.toString('utf8'), durationMs: Date.now() - started });
          });
        });
      };
      try {
        outgoing = (secure ? https : http).request(
          {
            protocol: u.protocol,
            hostname,
            port: u.port,
            path,
            method,
            headers,
            agent: secure ? httpsAgent : httpAgent,
          },
          onResponse,
        );
      } catch (err) {
        settle(connectionError(err));
        return;
      }
      outgoing.on('error', (err) => settle(connectionError(err)));
      outgoing.end(req.body);
    });
  }

  return {
    request,
    holdUntil,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}
