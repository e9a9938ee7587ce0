import fs from 'node:fs';
import { openStorage } from '../create-hub';
import { openPostgresStoresForCommand } from '../storage/postgres/open-postgres-hub';
import { createHttpClient } from '../http/http-client';
import { createIntake } from '../intake/create-intake';
import { createProjector } from '../projection/create-projector';
import { createLogger } from '../log/create-logger';
import { reconcile } from '../sources/reconcile';
import { crmFor, flag, loadCliConfig, option, pickNamed, type CliIo } from './cli-env';
import { progressLine } from './progress-line';

/** `npm run reconcile -- --target NAME [--fix] [--csv FILE]`. Exit 0 in step, 3 differences found (not fixed), 1 failed, 2 usage. */
export async function reconcileCommand(io: CliIo & { tty?: boolean; write?: (s: string) => void }): Promise<number> {
  const config = loadCliConfig(io);
  if (!config) return 2;
  const target = pickNamed(io, config.targets, 'target');
  if (!target) return 2;
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const storage =
    config.storage.driver === 'postgres' ? await openPostgresStoresForCommand(config, log) : openStorage(config);
  const http = createHttpClient();
  const projector = createProjector({ stores: storage, targets: config.targets, log });
  const intake = createIntake({ callbackLog: storage.callbackLog, log });
  const line = progressLine(io.write ?? ((s) => io.out(s.replace(/\n$/, ''))), io.tty ?? false);
  try {
    const fix = flag(io.argv, 'fix');
    const r = await reconcile(
      { crm: crmFor(config, log), http, deliveries: storage.deliveries, intake, projector, log },
      target,
      {
        fix,
        progress: (e) => line.update(`${e.phase}: ${e.read} read`, e.phase),
      },
    );
    line.done();
    for (const d of r.differences.slice(0, 200))
      io.out(`  ${d.item}  ${d.field}: CRM ${d.crm}, shop ${d.shop === null ? 'missing' : d.shop}`);
    if (r.differences.length > 200) io.out(`  … and ${r.differences.length - 200} more`);
    const csv = option(io.argv, 'csv');
    if (csv) {
      fs.writeFileSync(
        csv,
        [
          'item,field,crm,shop',
          ...r.differences.map((d) => `"${d.item.replace(/"/g, '""')}","${d.field}",${d.crm},${d.shop ?? ''}`),
        ].join('\n') + '\n',
      );
      io.out(`  differences written to ${csv}`);
    }
    io.out(
      `summary for ${target.name}: ${r.crmOffers} CRM offers read, ${r.compared} mapped to this shop, ${r.shopItems} shop items read, ${r.differences.length} difference(s)` +
        (fix
          ? `, ${r.fixed} item(s) marked due: the running service rewrites them`
          : r.differences.length
            ? '; run again with --fix to correct them'
            : ''),
    );
    return r.differences.length && !fix ? 3 : 0;
  } catch (e) {
    line.done();
    io.err(`reconcile failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await projector.stop();
    http.close();
    await storage.close();
  }
}
