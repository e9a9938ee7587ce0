import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { Config } from '../config/config-types';

/**
 * The HTTP server with bounded waits. Node's defaults let a client that promises a 3 MB body and sends a few bytes
 * hold its socket for 300 s (requestTimeout), and the expiry is only checked every 30 s
 * (connectionsCheckingInterval); many such clients exhaust sockets. headersTimeout must not exceed requestTimeout,
 * and the check runs at a tenth of the shorter one so a stalled request is cut off close to its deadline.
 */
export function createServer(app: RequestListener, settings: Config['server']): http.Server {
  const requestTimeout = settings.requestTimeoutMs;
  const headersTimeout = Math.min(settings.headersTimeoutMs, requestTimeout);
  const server = http.createServer(
    {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 10))),
    },
    app,
  );
  return server;
}
