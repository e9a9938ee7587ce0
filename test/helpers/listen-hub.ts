import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hub } from '../../src/compose/create-hub';

/** Starts `hub` and serves its app on a free local port; `url` is its inventories-upload callback address. */
export async function startAndListen(hub: Hub): Promise<{ server: Server; url: string }> {
  await hub.start();
  const server = hub.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/inventories-upload`;
  return { server, url };
}
