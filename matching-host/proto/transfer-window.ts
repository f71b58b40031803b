/**
 * How long a transfer id means "this transfer", for the host and for everything that retries one.
 * The host remembers each transfer id for TRANSFER_ID_WINDOW_MS of its commands' journaled time
 * (a retry inside it is answered as the duplicate it is, never applied twice); the account
 * functions stop retrying a transfer TRANSFER_RETRY_LIMIT_MS after it was requested and hand it to
 * a person. The host's window starts when it first executes the id, never before the request, so
 * the margin between the two only has to cover a retry in flight and clocks that disagree between
 * the functions and the host (seconds each); it is a day because forgetting an id too early moves
 * money twice, and remembering it longer costs only memory.
 */
export const TRANSFER_ID_WINDOW_MS = 48 * 3600_000;
export const TRANSFER_RETRY_MARGIN_MS = 24 * 3600_000;
/** the last moment after a transfer's request at which anything may still retry it */
export const TRANSFER_RETRY_LIMIT_MS = TRANSFER_ID_WINDOW_MS - TRANSFER_RETRY_MARGIN_MS;
