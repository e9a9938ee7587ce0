/** An identifier that cannot travel as exactly one URL path segment. */
export class UnsafePathSegmentError extends Error {
  constructor(problem: string) {
    super(`identifier ${problem}; it cannot be sent as one URL path segment`);
    this.name = 'UnsafePathSegmentError';
  }
}

/**
 * Why `value` cannot be one path segment, or undefined when it can. `encodeURIComponent` keeps `.` as it is, and
 * WHATWG URL parsing (what node-fetch sends) collapses the segments `.` and `..` (and `%2e`, `%2E.`, … since the
 * parser decodes dots first): `/inventory/sku/..` would address the whole collection. No encoding survives that,
 * so such identifiers are refused, never rewritten. An empty segment would address the parent resource; a lone
 * surrogate cannot be percent-encoded at all.
 */
export function pathSegmentProblem(value: string): string | undefined {
  if (value === '') return 'is empty';
  if (value === '.' || value === '..') return `is "${value}", which URLs read as "this" or "parent" folder`;
  if (!isWellFormedUnicode(value)) return 'contains a lone UTF-16 surrogate';
  return undefined;
}

/** `String.prototype.isWellFormed` is not in Node 20: every high surrogate must be followed by a low one. */
export function isWellFormedUnicode(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** One identifier as exactly one path segment: percent-encoded, or refused (UnsafePathSegmentError). */
export function pathSegment(value: string | number): string {
  const s = String(value);
  const problem = pathSegmentProblem(s);
  if (problem) throw new UnsafePathSegmentError(problem);
  return encodeURIComponent(s);
}

/**
 * The one way outbound paths are built: literal parts from the code, values through `pathSegment`, e.g.
 * buildPath`/api/v2/inventory/${type}/${sku}`. A value can never add, remove or climb a segment.
 */
export function buildPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += pathSegment(v) + strings[i + 1];
  });
  return out;
}
