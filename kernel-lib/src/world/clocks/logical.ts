// Logical clocks: Lamport and vector clocks, and comparing vector stamps.
import { parseInteger, parseString, invalid } from '../../core/options';
import { compareVectors, type VectorRelation } from '../../core/vector-order';

/** Lamport's logical clock: one counter; if a happened before b then L(a) < L(b). */
export class LamportClock {
  /** Current value. */
  time = 0;

  /** A local event or a send: advance and return the new value (attach it to a message). */
  tick(): number {
    return ++this.time;
  }

  /** A receive carrying `remoteTime`: jump past it and return the new value. */
  receive(remoteTime: number): number {
    parseInteger('remoteTime', remoteTime, 0, Number.MAX_SAFE_INTEGER);
    this.time = Math.max(this.time, remoteTime) + 1;
    return this.time;
  }
}

/** A new Lamport clock at 0. */
export function lamportClock(): LamportClock {
  return new LamportClock();
}

/** A vector timestamp: node name to counter; a missing node counts 0. */
export type Vector = Record<string, number>;

/** How two vector timestamps relate. */
export type CausalRelation = VectorRelation;

export { compareVectors };

/** Neither happened before the other. */
export function concurrent(a: Vector, b: Vector): boolean {
  return compareVectors(a, b) === 'concurrent';
}

/** Vector clock of one node. */
export class VectorClock {
  private readonly entries: Vector = {};

  constructor(readonly node: string) {
    parseString('node', node);
    this.entries[node] = 0;
  }

  /** A copy of the current vector. */
  get vector(): Vector {
    return { ...this.entries };
  }

  /** A local event or a send: advance this node's entry; returns a copy to attach to a message. */
  tick(): Vector {
    this.entries[this.node]++;
    return this.vector;
  }

  /** A receive: element-wise max with `remote`, then tick. Returns a copy. */
  receive(remote: Vector): Vector {
    if (remote === null || typeof remote !== 'object') invalid('remote', remote, 'a vector such as {a: 1, b: 2}');
    for (const key in remote) {
      const value = remote[key];
      parseInteger(`remote.${key}`, value, 0, Number.MAX_SAFE_INTEGER);
      if (value > (this.entries[key] ?? 0)) this.entries[key] = value;
    }
    return this.tick();
  }

  /** Compare this clock's current vector with another. */
  compare(other: Vector): CausalRelation {
    return compareVectors(this.entries, other);
  }
}

/** A new vector clock for `node`, all zeros. */
export function vectorClock(node: string): VectorClock {
  return new VectorClock(node);
}

/** A hybrid logical clock timestamp: physical part (ms) and logical counter. */
export interface HlcTimestamp {
  /** Largest physical-clock reading seen, in ms. */
  wallMs: number;
  /** Counter that orders events sharing `wallMs`. */
  logical: number;
}

/** Order HLC timestamps: negative if a < b, 0 if equal, positive if a > b. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs !== b.wallMs ? a.wallMs - b.wallMs : a.logical - b.logical;
}

/**
 * Hybrid logical clock (Kulkarni et al., 2014): stays close to physical time yet respects
 * causality like a Lamport clock, even when the physical clocks are skewed.
 */
export class HybridLogicalClock {
  wallMs = -Infinity;
  logical = 0;

  /** `readPhysicalMs` reads the node's physical clock, e.g. `() => ctx.clockMs()`. */
  constructor(private readonly readPhysicalMs: () => number) {
    if (typeof readPhysicalMs !== 'function') invalid('readPhysicalMs', readPhysicalMs, 'a function returning ms');
  }

  /** A local event or a send; returns the timestamp to attach. */
  tick(): HlcTimestamp {
    const physicalMs = this.readPhysicalMs();
    if (physicalMs > this.wallMs) {
      this.wallMs = physicalMs;
      this.logical = 0;
    } else {
      this.logical++;
    }
    return { wallMs: this.wallMs, logical: this.logical };
  }

  /** A receive of a message stamped `remote`; returns the new timestamp. */
  receive(remote: HlcTimestamp): HlcTimestamp {
    if (remote === null || typeof remote !== 'object') invalid('remote', remote, 'an HLC timestamp {wallMs, logical}');
    const physicalMs = this.readPhysicalMs();
    const wallMs = Math.max(this.wallMs, remote.wallMs, physicalMs);
    if (wallMs === this.wallMs && wallMs === remote.wallMs) this.logical = Math.max(this.logical, remote.logical) + 1;
    else if (wallMs === this.wallMs) this.logical++;
    else if (wallMs === remote.wallMs) this.logical = remote.logical + 1;
    else this.logical = 0;
    this.wallMs = wallMs;
    return { wallMs: this.wallMs, logical: this.logical };
  }
}

/** A hybrid logical clock over a physical clock reader such as `() => ctx.clockMs()`. */
export function hybridClock(readPhysicalMs: () => number): HybridLogicalClock {
  return new HybridLogicalClock(readPhysicalMs);
}
