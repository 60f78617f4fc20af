/** One row of the course's "latency numbers every programmer should know". */
export interface LatencyNumber {
  operation: string;
  latencyNs: number;
}

/** The course's table (module 5.1, part 2.1), in nanoseconds. */
export const LATENCY_NUMBERS: readonly LatencyNumber[] = [
  { operation: 'L1 cache reference', latencyNs: 0.5 },
  { operation: 'L2 cache reference', latencyNs: 7 },
  { operation: 'Main memory reference', latencyNs: 100 },
  { operation: 'SSD random read', latencyNs: 16_000 },
  { operation: 'Network round trip (same DC)', latencyNs: 500_000 },
  { operation: 'Disk seek', latencyNs: 2_000_000 },
  { operation: 'Network round trip (US→EU)', latencyNs: 100_000_000 }
];

/** The course's two calls of 2.1 in nanoseconds: a function call inside one machine, and a call to another machine. */
export const COURSE_CALL_NS = { local: 1, network: 1_000_000 } as const;

/** The course's wide-area round trip across a country (2.1: ~30 ms), in nanoseconds; across an ocean is the US→EU row. */
export const COURSE_CROSS_COUNTRY_RTT_NS = 30_000_000;
