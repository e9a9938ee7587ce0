/** An epoch-milliseconds time as ISO 8601, the one time format of every admin answer (null stays null). */
export const isoTime = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
