import type { ConfigProblem } from './config-error';
import type { MerchantProTargetConfig, SourceConfig } from './config-types';

/**
 * A shop that is a push target for some CRM warehouses and is also read back into the CRM for the same
 * warehouses would feed its own writes back: refuse it, naming both.
 */
export function findCycles(
  targets: readonly MerchantProTargetConfig[],
  sources: readonly SourceConfig[],
  problems: ConfigProblem[],
) {
  sources.forEach((s, i) => {
    if (s.type !== 'merchantpro') return;
    for (const t of targets) {
      if (t.url.toLowerCase() !== s.url.toLowerCase()) continue;
      const shared = Object.values(s.warehouses).filter((code) =>
        Object.prototype.hasOwnProperty.call(t.warehouses, code),
      );
      if (shared.length) {
        problems.push({
          path: `sources[${i}]`,
          problem:
            `source "${s.name}" reads the shop that target "${t.name}" writes, ` +
            `for CRM warehouse(s) ${shared.join(', ')}: a cycle`,
          fix:
            'A warehouse has one master: either push it to the shop (target) ' +
            'or read it from the shop (source), not both.',
        });
      }
    }
  });
}
