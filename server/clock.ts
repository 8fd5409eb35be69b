/** The time source. Production uses the wall clock; tests may start the server with a set clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
