import { isWellFormedUnicode, pathSegmentProblem } from '../integrations/http-client/path-segment';

// C0 controls, DEL and the C1 controls (U+0080–U+009F): never part of an identifier or a name, and they hide in
// logs and the dashboard.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a text field from a caller cannot be stored, or undefined. A lone surrogate would be stored as bytes that
 * read back as U+FFFD, so the stored item would differ from the one named, and could never be delivered.
 */
export function textProblem(s: string): string | undefined {
  if (!isWellFormedUnicode(s)) return 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)';
  if (CONTROL.test(s)) return 'must not contain control characters';
  return undefined;
}

/** As `textProblem`, and the value must also travel as one URL path segment (it will address a resource). */
export function identifierProblem(s: string): string | undefined {
  const t = textProblem(s);
  if (t) return t;
  if (!pathSegmentProblem(s)) return undefined;
  return s === ''
    ? 'must not be empty'
    : 'must not be "." or ".." (it would change which resource a request addresses)';
}
