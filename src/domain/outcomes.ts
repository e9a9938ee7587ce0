/**
 * The one vocabulary for what became of a piece of work: the `outcome` field of log lines and the `outcome` label
 * of the metrics use these words, so a log search and a metrics query ask the same question.
 * (How a peer's answer was classified — ok, retry, auth, not-found, redirect, permanent — is logged as `class`.)
 */
export const OUTCOME = {
  /** A CRM callback stored and answered success. */
  accepted: 'accepted',
  /** A CRM stock question answered (with what the sources or the last known figures gave). */
  answered: 'answered',
  /** A well-formed inventoriesUpload of no known shape: answered no offers, kept in the capture. */
  unknownShape: 'unknown-shape',
  /** A CRM callback whose clientId names no account: 403, nothing stored. */
  unknownClient: 'unknown-client',
  /** A CRM callback refused with a 4xx; nothing stored. */
  rejected: 'rejected',
  /** A stock write or shipment report the peer accepted. */
  delivered: 'delivered',
  /** Failed for now; tried again after a backoff. */
  retry: 'retry',
  /** A stock write given up: a dead letter, retried only by an operator. */
  dead: 'dead',
  /** The whole target paused (credentials, wrong url): nothing more is sent until an operator resumes it. */
  paused: 'paused',
  /** A shipment report given up: the CRM's message is kept; an operator retries it. */
  failed: 'failed',
} as const;

export type OutcomeWord = (typeof OUTCOME)[keyof typeof OUTCOME];
