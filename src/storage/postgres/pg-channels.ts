/** NOTIFY channels: sent inside the writing transaction, so PostgreSQL delivers them only after its commit. */
export const PG_CHANNELS = {
  /** A callback was appended: the projector has work. */
  callbacks: 'stockbridge_callbacks',
  /** Items became due (payload: the target name). */
  due: 'stockbridge_due',
  /** A shipment report was stored or made pending again. */
  shipments: 'stockbridge_shipments',
} as const;

export type PgChannel = (typeof PG_CHANNELS)[keyof typeof PG_CHANNELS];

/**
 * Appends hold this advisory lock shared for their transaction; the projector takes it exclusively for an instant
 * before it reads (see pg-stock-state.ts): the barrier against sequence gaps.
 */
export const APPEND_BARRIER_KEY = 0x53424150; // "SBAP"
