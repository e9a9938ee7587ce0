import fs from 'node:fs';
import path from 'node:path';
import { spawnHub, type SpawnedHub } from '../helpers/spawn-hub';

/**
 * N hub processes (dist/src/main.js) on one PostgreSQL and one config file: the multi-instance harness of the
 * reliability test, the demo's shape in a test. Each instance gets its own port; kill(i) is SIGKILL (no drain, no
 * goodbye to the database), restart(i) stops it with SIGTERM and starts a fresh process in its place.
 */
export interface HubFleet {
  readonly hubs: SpawnedHub[];
  /** A live instance, round robin. */
  pick(n: number): SpawnedHub;
  kill(i: number): Promise<void>;
  restart(i: number): Promise<SpawnedHub>;
  /** The lock names (projector, target:NAME, crm-shipments) instance i logged taking over. */
  ownedBy(i: number): string[];
  stopAll(): Promise<void>;
}

export async function startHubFleet(configFile: string, count: number): Promise<HubFleet> {
  const hubs: SpawnedHub[] = [];
  const dead = new Set<number>();
  // Sequential start: they all migrate under the advisory lock, and one at a time keeps a 2-core machine usable.
  for (let i = 0; i < count; i++) hubs.push(await spawnHub(configFile));
  const fleet: HubFleet = {
    hubs,
    pick(n) {
      const live = hubs.filter((_, i) => !dead.has(i));
      if (live.length === 0) throw new Error('no live instance');
      return live[n % live.length];
    },
    async kill(i) {
      dead.add(i);
      hubs[i].proc.kill('SIGKILL');
      await hubs[i].exited;
    },
    async restart(i) {
      dead.add(i);
      hubs[i].proc.kill('SIGTERM');
      await hubs[i].exited;
      hubs[i] = await spawnHub(configFile);
      dead.delete(i);
      return hubs[i];
    },
    ownedBy(i) {
      const out: string[] = [];
      for (const m of hubs[i].output().matchAll(/"lock":"([^"]+)"[^\n]*this instance took over/g)) out.push(m[1]);
      return out;
    },
    async stopAll() {
      for (const h of hubs) if (h.proc.exitCode === null && h.proc.signalCode === null) h.proc.kill('SIGKILL');
      await Promise.all(hubs.map((h) => h.exited));
    },
  };
  return fleet;
}

/** A config file for the fleet: driver postgres on `url`, everything else as given. */
export function writeFleetConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'stockbridge.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}
