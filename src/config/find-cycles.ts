import type { ConfigProblem } from './config-error';
import type { Section } from './config-reader';
import type { SourceConfig, TargetConfig } from './config-types';

/**
 * A shop that is a push target for some CRM warehouses and is also read back into the CRM for the same
 * warehouses would feed its own writes back: refuse it, naming both.
 */
export function findCycles(
  targets: readonly TargetConfig[],
  sources: readonly SourceConfig[],
  problems: ConfigProblem[],
) {
  sources.forEach((s, i) => {
    if (s.type !== 'merchantpro') return;
    for (const t of targets) {
      if (t.type !== 'merchantpro') continue;
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

/** An account's identity for loop checks: its origin, lower case (https://shop.retailcrm.ru/ and …/api are one). */
function accountOf(url: unknown): string | null {
  try {
    return new URL(String(url)).origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A retailcrm target that writes into the account the figures come from, into a warehouse they come from, would
 * raise the very callback that fed it: refuse it at start-up, naming the warehouses. (Stores belong to the account,
 * not to a site, so another site of the same account does not make it safe.)
 */
export function findCrmLoops(targets: readonly TargetConfig[], crm: Section, problems: ConfigProblem[]) {
  const source = accountOf(crm.url);
  targets.forEach((t, i) => {
    if (t.type !== 'retailcrm' || source === null || accountOf(t.url) !== source) return;
    const looped = Object.entries(t.warehouses).filter(([from, to]) => from === to);
    if (looped.length === 0) return;
    problems.push({
      path: `targets[${i}].warehouses`,
      problem:
        `target "${t.name}" writes into the CRM account the stock comes from (crm.url), into the same ` +
        `warehouse(s) ${looped.map(([c]) => c).join(', ')}: a loop`,
      fix: 'Map each CRM warehouse to another warehouse code of that account, or point the target at another account.',
    });
  });
}
