// What faults do to the world: crash, restart, pause, slow, partition, heal, byzantine, applied at their time.
import { invalid } from '../../core/options';
import { DROP_CRASHED, DROP_NONE, DROP_PARTITION } from '../../core/drop-reasons';
import { NetworkState } from '../net/network';
import type { ByzantineHook, OutgoingMessage } from './faults';

/** What a fault changes on a node (the simulation's node carries these fields). */
export interface NodeLife {
  /** Running (not crashed). */
  up: boolean;
  /** Bumped by every crash: a timer set in an older epoch never fires. */
  epoch: number;
  /** Handles nothing before this true time, in ms (a pause); -Infinity: not paused. */
  pausedUntilMs: number;
}

/** The trace event types a fault records. */
export type FaultEventType = 'crash' | 'restart' | 'pause' | 'resume' | 'partition' | 'heal' | 'local';

/** The world as a fault sees it; the simulation composes it from its nodes, network and trace. */
export interface FaultWorld {
  readonly nodeCount: number;
  life(node: number): NodeLife;
  network(): NetworkState;
  /** Extra delay per node on every message it sends or receives, in ms (made on first use). */
  slowness(): SlowNodes;
  /** Bring a node back that a restart has just marked up: fresh volatile state, its disk kept or wiped, its restart handler. */
  restartNode(node: number, keepDurable: boolean): void;
  /** Record an event of `node` at the current time. */
  record(node: number, type: FaultEventType, label: string | undefined, data: unknown): void;
  /** Apply `fault` at `atMs`. */
  schedule(atMs: number, fault: Fault): void;
}

/** A change of the world at a time. */
export interface Fault {
  apply(world: FaultWorld): void;
}

/** Slow nodes: the extra delay of each, in ms. */
export class SlowNodes {
  readonly extraMs: Float64Array;
  /** Whether any node was ever made slow (until then a send skips the table). */
  any = false;

  constructor(nodeCount: number) {
    this.extraMs = new Float64Array(nodeCount);
  }
}

/** The node stops: it loses its timers and volatile state, and messages to it are lost. */
export class Crash implements Fault {
  constructor(readonly node: number) {}
  apply(world: FaultWorld): void {
    const life = world.life(this.node);
    if (!life.up) return;
    life.up = false;
    life.epoch++;
    life.pausedUntilMs = -Infinity;
    world.record(this.node, 'crash', undefined, undefined);
  }
}

/** A crashed node comes back (see FaultWorld.restartNode). */
export class Restart implements Fault {
  constructor(readonly node: number, readonly keepDurable: boolean) {}
  apply(world: FaultWorld): void {
    const life = world.life(this.node);
    if (life.up) return;
    life.up = true;
    world.restartNode(this.node, this.keepDurable);
  }
}

/** The node stalls for `durationMs` (a GC pause); what reaches it waits until it resumes. */
export class Pause implements Fault {
  constructor(readonly node: number, readonly atMs: number, readonly durationMs: number) {}
  apply(world: FaultWorld): void {
    const life = world.life(this.node);
    if (!life.up) return;
    const untilMs = this.atMs + this.durationMs;
    life.pausedUntilMs = Math.max(life.pausedUntilMs, untilMs);
    world.record(this.node, 'pause', undefined, { durationMs: this.durationMs });
    world.schedule(untilMs, new Resume(this.node, untilMs));
  }
}

/** The end of a pause: recorded if the node is up and no longer pause holds it. */
export class Resume implements Fault {
  constructor(readonly node: number, readonly untilMs: number) {}
  apply(world: FaultWorld): void {
    const life = world.life(this.node);
    if (life.up && life.pausedUntilMs === this.untilMs) world.record(this.node, 'resume', undefined, undefined);
  }
}

/** Every message the node sends or receives takes `extraDelayMs` longer (0: back to its speed). */
export class Slow implements Fault {
  constructor(readonly node: number, readonly extraDelayMs: number) {}
  apply(world: FaultWorld): void {
    const slow = world.slowness();
    slow.extraMs[this.node] = this.extraDelayMs;
    slow.any = true;
    world.record(this.node, 'local', 'slow', { extraDelayMs: this.extraDelayMs });
  }
}

/** A slow node recovers its speed. */
export class Fast implements Fault {
  constructor(readonly node: number) {}
  apply(world: FaultWorld): void {
    world.slowness().extraMs[this.node] = 0;
    world.record(this.node, 'local', 'fast', undefined);
  }
}

/** Cut the links from side `a` to side `b` (and back unless `oneWay`); messages in flight across the cut are lost too. */
export class Partition implements Fault {
  constructor(readonly a: readonly number[], readonly b: readonly number[], readonly oneWay: boolean, readonly label: string) {}
  apply(world: FaultWorld): void {
    const net = world.network();
    net.block(this.a, this.b);
    if (!this.oneWay) net.block(this.b, this.a);
    recordSides(world, this.a, this.b, 'partition', this.label);
  }
}

/** The end of one partition. */
export class PartitionHeal implements Fault {
  constructor(readonly a: readonly number[], readonly b: readonly number[], readonly oneWay: boolean, readonly label: string) {}
  apply(world: FaultWorld): void {
    const net = world.network();
    net.unblock(this.a, this.b);
    if (!this.oneWay) net.unblock(this.b, this.a);
    recordSides(world, this.a, this.b, 'heal', this.label);
  }
}

/** Record `type` on every node of both sides (no array made: a fault applies many times in a long run). */
function recordSides(world: FaultWorld, a: readonly number[], b: readonly number[], type: FaultEventType, label: string): void {
  for (let k = 0; k < a.length; k++) world.record(a[k], type, label, undefined);
  for (let k = 0; k < b.length; k++) world.record(b[k], type, label, undefined);
}

/** Every partition heals. */
export class HealAll implements Fault {
  apply(world: FaultWorld): void {
    world.network().healAll();
    for (let i = 0; i < world.nodeCount; i++) world.record(i, 'heal', 'all', undefined);
  }
}

/** An arrival that waits until the receiver's pause ends. */
export const ARRIVAL_HELD = -1;

/**
 * The fate of a message from `from` reaching `to` at `nowMs`, that the network did not lose on
 * the way: lost to a partition that cut the link meanwhile or to a crash, held (ARRIVAL_HELD)
 * while the receiver is paused, else DROP_NONE (delivered).
 */
export function arrivalFate(net: NetworkState, receiver: NodeLife, from: number, to: number, nowMs: number): number {
  // The usual arrival in few bytecodes (the delivery path inlines this): no partition anywhere,
  // the receiver up and not paused.
  if (net.blockedCount === 0 && receiver.up && receiver.pausedUntilMs <= nowMs) return DROP_NONE;
  return arrivalObstacle(net, receiver, from, to, nowMs);
}

/** `arrivalFate` when a partition exists or the receiver is down or paused. */
function arrivalObstacle(net: NetworkState, receiver: NodeLife, from: number, to: number, nowMs: number): number {
  if (net.blockedCount > 0 && net.blocked[from * net.nodeCount + to] > 0) return DROP_PARTITION;
  if (!receiver.up) return DROP_CRASHED;
  if (receiver.pausedUntilMs > nowMs) return ARRIVAL_HELD;
  return DROP_NONE;
}

/** What a byzantine node sends instead of `message`: undefined for the message itself, else the hook's list (checked). */
export function byzantineRewrite(hook: ByzantineHook, message: OutgoingMessage, random: number): readonly OutgoingMessage[] | undefined {
  const replacement = hook(message, random);
  if (replacement !== undefined && !Array.isArray(replacement)) invalid('byzantine hook result', replacement, 'an array of messages or undefined');
  return replacement;
}
