import readline from 'node:readline';
import { startFakeSyncInventory } from '../src/demo/fakes/fake-syncinventory';

/**
 * Two SyncInventory fakes (godown 1 and godown 2) in their own process, so their work is not counted as the hub's.
 * Both answer after `latencyMs`; the line "never b" on stdin makes the second one stop answering.
 */
async function main() {
  const skus = Number(process.argv[2] ?? 2000);
  const latency = Number(process.argv[3] ?? 100);
  const a = await startFakeSyncInventory({ apiKey: 'bench-si' });
  const b = await startFakeSyncInventory({ apiKey: 'bench-si' });
  for (let i = 0; i < skus; i++) {
    a.add(`SKU-${i}`, { '1': i % 50 });
    b.add(`SKU-${i}`, { '2': (i * 7) % 31 });
  }
  a.setLatency(latency);
  b.setLatency(latency);
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'never b') b.setLatency('never');
  });
  process.stdout.write(`SOURCES ${a.url} ${b.url}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

void main();
