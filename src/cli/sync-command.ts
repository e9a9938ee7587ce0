import crypto from 'node:crypto';
import { AppError } from '../domain/app-error';
import { openStorage } from '../storage/open-storage';
import { createHttpClient } from '../integrations/http-client/http-client';
import { createLogger } from '../log/create-logger';
import { createPullSource } from '../integrations/registry';
import { runSync, type SyncProgress } from '../sync/run-sync';
import { crmFor, loadCliConfig, pickNamed, type CliIo } from './cli-env';
import { CONFIG_OPTION, parseCliArgs, type CommandSpec } from './parse-cli-args';
import { progressLine } from './progress-line';

export const SYNC_USAGE: CommandSpec = {
  usage: 'npm run sync -- --source NAME [options]',
  summary:
    "Pulls one source's stock and uploads what changed to the CRM (POST /api/v5/store/inventories/upload).\n" +
    'Exit 0 done, 1 failed or busy, 2 configuration or usage.',
  options: {
    source: { type: 'string', arg: 'NAME', help: 'the source to pull (one of sources[].name)' },
    'dry-run': { type: 'boolean', help: 'pull and print what would be uploaded; send nothing to the CRM' },
    config: CONFIG_OPTION,
  },
};

/** One progress line of a sync run: phase, items read (of how many), batches uploaded (of how many). */
function progressText(source: string, e: Parameters<SyncProgress>[0]): string {
  const read = e.read !== undefined ? `, ${e.read}${e.total ? `/${e.total}` : ''} items read` : '';
  const batches = e.batchesTotal !== undefined ? `, batches ${e.batches ?? 0}/${e.batchesTotal}` : '';
  return `${source}: ${e.phase}${read}${batches}`;
}
/** `npm run sync -- --source NAME [--dry-run]`. Exit 0 done, 1 failed or busy, 2 bad config or usage. */
export async function syncCommand(io: CliIo & { tty?: boolean; write?: (s: string) => void }): Promise<number> {
  const args = parseCliArgs(io, SYNC_USAGE);
  if (!args.ok) return args.code;
  const config = loadCliConfig(io, args.values.config as string | undefined);
  if (!config) return 2;
  const sourceConfig = pickNamed(io, config.sources, 'source', args.values.source as string | undefined);
  if (!sourceConfig) return 2;
  const dryRun = args.values['dry-run'] === true;
  if (!dryRun) io.out(`sync ${sourceConfig.name}: changed figures will be uploaded to the CRM at ${config.crm.url}`);
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const { stores: storage } = await openStorage(config, log, { role: 'command' });
  const http = createHttpClient();
  const line = progressLine(io.write ?? ((s) => io.out(s.replace(/\n$/, ''))), io.tty ?? false);
  try {
    const s = await runSync(
      {
        stores: storage,
        crm: crmFor(config, log),
        log,
        site: config.crm.site,
        batchSize: config.crm.batchSize,
        batchRetries: config.sync.batchRetries,
        reportDir: config.sync.reportDir,
        owner: `cli-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
      },
      sourceConfig,
      createPullSource(sourceConfig, http),
      {
        dryRun,
        progress: (e) => line.update(progressText(sourceConfig.name, e), e.phase),
      },
    );
    line.done();
    if (dryRun) {
      io.out(`dry run: ${s.wouldUpload.length} offer(s) would be uploaded, nothing was sent`);
      for (const o of s.wouldUpload.slice(0, 50)) io.out(`  ${JSON.stringify(o)}`);
      if (s.wouldUpload.length > 50) io.out(`  … and ${s.wouldUpload.length - 50} more`);
    }
    io.out(
      `summary for ${s.source}${dryRun ? ' (dry run)' : ''}: read ${s.read}, unchanged ${s.unchanged}, ` +
        `uploaded ${s.uploaded} in ${s.batches} batch(es), not found in the CRM ${s.notFound}, ` +
        `unmapped ${s.unmapped}, errors ${s.errors}, ${(s.durationMs / 1000).toFixed(1)} s`,
    );
    for (const nf of s.notFoundOffers.slice(0, 20)) io.out(`  not found: ${JSON.stringify(nf)}`);
    if (s.reportFile) io.out(`  every offer the CRM did not find is listed in ${s.reportFile}`);
    for (const w of s.warnings.slice(0, 10)) io.out(`  warning: ${w}`);
    return 0;
  } catch (e) {
    line.done();
    io.err(e instanceof AppError ? e.message : `sync failed: ${(e as Error).message}`);
    return 1;
  } finally {
    http.close();
    await storage.close();
  }
}
