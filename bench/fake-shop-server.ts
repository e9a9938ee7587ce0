import { startBenchShop } from './bench-fixtures';

/** A fake MerchantPro shop in its own process for benchmarks: `node fake-shop-server.js ITEMS`. */
async function main() {
  const items = Number(process.argv[2] ?? 1000);
  const shop = await startBenchShop();
  for (let i = 0; i < items; i++) shop.addItem(`SKU-${i}`);
  // keep memory flat in long runs: the benchmark counts writes itself
  setInterval(() => {
    shop.writes.length = 0;
    shop.requests.length = 0;
  }, 1000).unref();
  process.stdout.write(`PORT ${new URL(shop.url).port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

void main();
