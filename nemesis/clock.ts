/**
 * What we write into a node's libfaketime timestamp file (FAKETIME_TIMESTAMP_FILE).
 * Every spec carries its rate: libfaketime keeps the last `x<rate>` it read, so an
 * offset written without one would go on drifting after a drift fault.
 */
const fmt = (x: number): string => `${x >= 0 ? '+' : ''}${Math.round(x * 1000) / 1000}`;

/** a fixed offset, seconds */
export const offsetSpec = (seconds: number): string => `${fmt(seconds)} x1\n`;

/** back to the real time and rate */
export const RESET_SPEC = offsetSpec(0);

/**
 * A clock running at `rate` from now on. libfaketime scales the time elapsed since
 * the process started, which would also jump the clock by elapsed × (rate − 1) at
 * once; the offset cancels that jump so the fault is drift alone.
 */
export const driftSpec = (rate: number, elapsedSinceStartMs: number): string => `${fmt((-elapsedSinceStartMs / 1000) * (rate - 1))} x${rate}\n`;
