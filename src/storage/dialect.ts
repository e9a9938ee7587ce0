/**
 * The one seam between the two SQL dialects, so a statement both drivers run is written once (as pg-boss does):
 * `?` placeholders (SQLite's), renumbered for PostgreSQL; boolean literals (SQLite stores 1/0, and its partial indexes
 * match `dead = 0`, not `dead = FALSE`); casts as CAST(… AS BIGINT), which both accept; and the few functions whose
 * names differ.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  readonly yes: string;
  readonly no: string;
  /** The larger of two values (SQLite's two-argument MAX, PostgreSQL's greatest). */
  greatest(a: string, b: string): string;
  /** A statement written with `?` placeholders, as this driver takes it. */
  sql(text: string): string;
}

export const SQLITE: Dialect = {
  name: 'sqlite',
  yes: '1',
  no: '0',
  greatest: (a, b) => `MAX(${a}, ${b})`,
  sql: (text) => text,
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  yes: 'true',
  no: 'false',
  greatest: (a, b) => `greatest(${a}, ${b})`,
  // The statements here hold no `?` inside literals, so every `?` is a parameter, numbered in order.
  sql: (text) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  },
};

/** Each statement of a set rendered for one dialect. */
export function render<K extends string>(d: Dialect, statements: (d: Dialect) => Record<K, string>): Record<K, string> {
  const out = statements(d);
  for (const k of Object.keys(out) as K[]) out[k] = d.sql(out[k]);
  return out;
}
