import type { ConfigProblem } from './config-error';
import { didYouMean } from './did-you-mean';

export type Section = Record<string, unknown>;

const EMPTY: Section = Object.freeze({});

/**
 * Reads config values and remembers which keys of each section it asked for: the known keys are exactly the ones
 * some code reads, so a new setting needs no second list, and every other key is reported as unknown.
 */
export class ConfigReader {
  private readonly sections = new Map<Section, { path: string; read: Set<string> }>();
  constructor(
    readonly problems: ConfigProblem[],
    private readonly missingAt: ReadonlySet<string> = new Set(),
  ) {}

  /** `o[key]`, marked as a known key of `o`. */
  take(o: Section, key: string): unknown {
    this.sections.get(o)?.read.add(key);
    return o[key];
  }

  /** A section with fixed keys: its unknown keys are reported by `unknownKeys`. */
  obj(v: unknown, path: string, required = true): Section {
    const o = this.map(v, path, required);
    if (o !== EMPTY) this.sections.set(o, { path, read: new Set() });
    return o;
  }

  /** A map with keys chosen by the user (warehouse codes, product ids): any key is allowed. */
  map(v: unknown, path: string, required = true): Section {
    if (v === undefined && !required) return EMPTY;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      if (!this.missingAt.has(path))
        this.problems.push({
          path,
          problem: v === undefined ? 'is missing' : 'must be an object',
          fix: 'See stockbridge.example.json for its shape.',
        });
      return EMPTY;
    }
    return v as Section;
  }

  /** Stop checking a section's keys (its type is unknown, so which keys it may have is too). */
  forget(o: Section): void {
    this.sections.delete(o);
  }

  unknownKeys(): void {
    for (const [o, { path, read }] of this.sections) {
      for (const key of Object.keys(o).filter((k) => !read.has(k))) {
        const near = didYouMean(key, read);
        this.problems.push({
          path: path === '(root)' ? key : `${path}.${key}`,
          problem: 'is not a known setting',
          fix: near
            ? `Did you mean "${near}"? A misspelt key would be ignored, so it is refused.`
            : 'Remove it; stockbridge.example.json shows every setting this section takes.',
        });
      }
    }
  }

  str(
    o: Record<string, unknown>,
    key: string,
    path: string,
    opts: { def?: string; oneOf?: readonly string[]; url?: boolean; secret?: boolean } = {},
  ): string {
    const v = this.take(o, key);
    const p = `${path}.${key}`;
    if (v === undefined || v === '') {
      if (opts.def !== undefined) return opts.def;
      if (this.missingAt.has(p)) return '';
      this.problems.push({
        path: p,
        problem: 'is missing',
        fix: opts.secret
          ? 'Set it, as a ${VAR} placeholder filled from the environment.'
          : 'Add it (see stockbridge.example.json).',
      });
      return '';
    }
    if (typeof v !== 'string') {
      this.problems.push({ path: p, problem: 'must be a string', fix: 'Quote the value.' });
      return '';
    }
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      this.problems.push({
        path: p,
        problem: `must be one of ${opts.oneOf.join(', ')}`,
        fix: 'Pick one of those values.',
      });
    }
    if (opts.url) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        ok = false;
      }
      if (!ok)
        this.problems.push({ path: p, problem: 'must be an http(s) URL', fix: 'Write it like https://example.com.' });
      return v.replace(/\/+$/, '');
    }
    return v;
  }

  num(
    o: Record<string, unknown>,
    key: string,
    path: string,
    def: number,
    min: number,
    max: number,
    integer = true,
  ): number {
    const v = this.take(o, key);
    if (v === undefined) return def;
    const p = `${path}.${key}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
      this.problems.push({
        path: p,
        problem: `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
        fix: `Use a value in that range (default ${def}).`,
      });
      return def;
    }
    return v;
  }

  bool(o: Record<string, unknown>, key: string, path: string, def: boolean): boolean {
    const v = this.take(o, key);
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      this.problems.push({
        path: `${path}.${key}`,
        problem: 'must be true or false',
        fix: 'Write true or false without quotes.',
      });
      return def;
    }
    return v;
  }
}
