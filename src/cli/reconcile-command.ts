import fs from 'node:fs';
import { openStorage } from '../storage/open-storage';
import { createHttpClient } from '../integrations/http-client/http-client';
import { createIntake } from '../intake/create-intake';
import { createProjector } from '../projection/create-projector';
import { createLogger } from '../log/create-logger';
import { reconcile } from '../reconcile/reconcile';
import { crmFor, loadCliConfig, pickNamed, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, type CommandSpec } from './parse-cli-args';
import { progressLine } from './progress-line';

export const RECONCILE_USAGE: CommandSpec = {
  usage: 'npm run reconcile -- --target NAME [options]',
  summary:
    "Compares the CRM's stock with what the shop holds and lists every difference. Exit 0 in step,\n" +
    '3 differences found (not fixed), 1 failed, 2 configuration or usage.',
  options: {
    target: { type: 'string', arg: 'NAME', help: 'the target (shop) to compare (one of targets[].name)' },
    fix: {
      type: 'boolean',
      help: "mark the differing items due: the running service rewrites them with the CRM's figures",
    },
    csv: { type: 'string', arg: 'FILE', help: 'also write the differences to this CSV file' },
    config: CONFIG_OPTION,
  },
};

/**
 * `npm run reconcile -- --target NAME [--fix] [--csv FILE]`.
 * Exit 0 in step, 3 differences found (not fixed), 1 failed, 2 usage.
 */
export async function reconcileCommand(io: CliIo & { tty?: boolean; write?: (s: string) => void }): Promise<number> {
  const args = parseCliArgs(io, RECONCILE_USAGE);
  if (!args.ok) return args.code;
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  const target = pickNamed(io, config.targets, 'target', args.values.target as string | undefined);
  if (!target) return 2;
  if (target.type !== 'merchantpro') {
    io.err(`reconcile reads MerchantPro shops only; target "${target.name}" is of type ${target.type}`);
    return 2;
  }
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const { stores: storage } = await openStorage(config, log, { role: 'command' });
  const http = createHttpClient();
  const projector = createProjector({ stores: storage, targets: config.targets, log });
  const intake = createIntake({ callbackLog: storage.callbackLog, log });
  const line = progressLine(io.write ?? ((s) => io.out(s.replace(/\n$/, ''))), io.tty ?? false);
  try {
    const fix = args.values.fix === true;
    if (fix) io.out(`reconcile ${target.name} --fix: differing items will be marked due and rewritten to the shop`);
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
    const csv = args.values.csv as string | undefined;
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
      `summary for ${target.name}: ${r.crmOffers} CRM offers read, ${r.compared} mapped to this shop, ` +
        `${r.shopItems} shop items read, ${r.differences.length} difference(s)` +
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
