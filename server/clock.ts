/** The time source. Production uses the wall clock; tests may start the server with a set clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * Milliseconds on this process's monotonic clock: it never steps when the wall clock is set
 * (NTP corrections, a mis-set host), so durations measured with it are true durations. Only
 * differences between two readings in the same process mean anything.
 */
export type Monotonic = () => number;
export const systemMonotonic: Monotonic = () => performance.now();
