/** Problems found in an input, by field path (`offers[3].stores[0].available`), each in plain words. */
export type FieldErrors = Record<string, string>;

/** A reader's answer: the typed input, or every problem by field path. */
export type Normalised<T> = T | { errors: FieldErrors };
