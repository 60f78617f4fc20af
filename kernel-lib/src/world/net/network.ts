// Network links: latency, loss, duplication, reordering, FIFO; one send put on its way.
import { DROP_LOSS, DROP_NONE, DROP_PARTITION } from '../../core/drop-reasons';
import { assert, parseNumber, parseProbability, invalid, rejectUnknownKeys } from '../../core/options';
import type { Rng } from '../../core/rng';
import type { Agenda } from '../../engine/agenda';
import { deliverySlot } from '../../engine/slots';
import { LatencyDistribution, LatencySpec, toLatency } from './latency';

/** How messages travel on a link (or on every link, as the network default). */
export interface LinkOptions {
  /** One-way delay: a number of ms, a preset name ('same-datacenter', 'cross-country', 'cross-ocean') or a distribution such as `lognormalLatency({medianMs: 15})`. Default: 'same-datacenter'. */
  latency?: LatencySpec;
  /** Probability that a message is lost, 0..1. Default 0. */
  dropProbability?: number;
  /** Probability that a message is delivered twice (the copy has its own delay), 0..1. Default 0. */
  duplicateProbability?: number;
  /** Probability that a message is held back by an extra `reorderDelayMs`, so later ones overtake it, 0..1. Default 0. */
  reorderProbability?: number;
  /** Extra delay of a held-back message, in ms. Default: 10 × the median latency. */
  reorderDelayMs?: number;
  /** Deliver messages on this link in the order they were sent (like TCP). Default false (like UDP: random delays may reorder). */
  fifo?: boolean;
}

const LINK_KEYS = ['latency', 'dropProbability', 'duplicateProbability', 'reorderProbability', 'reorderDelayMs', 'fifo'];

/** A resolved link configuration; every field set. */
export class Link {
  /** No reordering, no duplication, no FIFO order: a send's route needs only its delay and its loss. */
  readonly plain: boolean;

  constructor(
    readonly latency: LatencyDistribution,
    readonly dropProbability: number,
    readonly duplicateProbability: number,
    readonly reorderProbability: number,
    readonly reorderDelayMs: number,
    readonly fifo: boolean
  ) {
    this.plain = reorderProbability === 0 && duplicateProbability === 0 && !fifo;
  }

  /** A copy with `options` applied on top (options already checked). */
  withOptions(options: LinkOptions, where: string): Link {
    rejectUnknownKeys(where, options, LINK_KEYS);
    const latency = options.latency === undefined ? this.latency : toLatency(options.latency);
    const reorderDelayMs =
      options.reorderDelayMs !== undefined
        ? parseNumber('reorderDelayMs', options.reorderDelayMs, 0, Infinity, 'ms')
        : options.latency !== undefined
          ? latency.medianMs * 10
          : this.reorderDelayMs;
    if (options.fifo !== undefined && typeof options.fifo !== 'boolean') invalid('fifo', options.fifo, 'true or false');
    return new Link(
      latency,
      options.dropProbability === undefined ? this.dropProbability : parseProbability('dropProbability', options.dropProbability),
      options.duplicateProbability === undefined
        ? this.duplicateProbability
        : parseProbability('duplicateProbability', options.duplicateProbability),
      options.reorderProbability === undefined
        ? this.reorderProbability
        : parseProbability('reorderProbability', options.reorderProbability),
      reorderDelayMs,
      options.fifo ?? this.fifo
    );
  }

  static fromOptions(options: LinkOptions | undefined, where: string): Link {
    const latency = toLatency('same-datacenter');
    return new Link(latency, 0, 0, 0, latency.medianMs * 10, false).withOptions(options ?? {}, where);
  }
}

// What `send` did, as bits: 0, the message is on its way and not lost.
/** It is lost (a partition or a loss draw); it is on the agenda only if `keepLost`, so the trace sees it arrive lost. */
export const SENT_LOST = 1;
/** A duplicate copy is on its way too. */
export const SENT_COPY = 2;
/** A latency draw gave no delay a message can take (`badDelayMs`): nothing is on its way. */
export const SENT_BAD_DELAY = 4;
/** The message is on its way, but its copy's latency draw was bad (`badDelayMs`). */
export const SENT_BAD_COPY_DELAY = 8;

/**
 * The network's mutable state during a run: the link table (n × n, from-major) and the
 * partition table. A partition is a count per directed link, so overlapping partitions heal
 * independently.
 */
export class NetworkState {
  readonly links: Link[];
  readonly blocked: Uint16Array;
  /** Latest scheduled delivery per link, for FIFO links. */
  readonly lastDeliveryMs: Float64Array;
  blockedCount = 0;
  /** The delay a latency draw gave that no message can take (see SENT_BAD_DELAY). */
  badDelayMs = NaN;

  constructor(readonly nodeCount: number, defaultLink: Link) {
    this.links = new Array(nodeCount * nodeCount).fill(defaultLink);
    this.blocked = new Uint16Array(nodeCount * nodeCount);
    this.lastDeliveryMs = new Float64Array(nodeCount * nodeCount);
  }

  setLink(from: number, to: number, link: Link): void {
    this.links[from * this.nodeCount + to] = link;
  }

  /** Block every directed link from a node of `from` to a node of `to` (one more count). */
  block(from: readonly number[], to: readonly number[]): void {
    for (const a of from) {
      for (const b of to) {
        if (a === b) continue;
        const k = a * this.nodeCount + b;
        assert(this.blocked[k] < 65535, 'too many overlapping partitions');
        this.blocked[k]++;
        this.blockedCount++;
      }
    }
  }

  unblock(from: readonly number[], to: readonly number[]): void {
    for (const a of from) {
      for (const b of to) {
        if (a === b) continue;
        const k = a * this.nodeCount + b;
        // A heal-all may already have cleared this partition.
        if (this.blocked[k] > 0) {
          this.blocked[k]--;
          this.blockedCount--;
        }
      }
    }
  }

  healAll(): void {
    this.blocked.fill(0);
    this.blockedCount = 0;
  }

  isBlocked(from: number, to: number): boolean {
    return this.blocked[from * this.nodeCount + to] > 0;
  }

  // The whole of a send on a plain link is this function's own code, with its latency draw and
  // the agenda's push as the only calls (a route apart from the push cost the gossip bench about
  // 4 %, see run-loop.ts): what a plain link does not do (reorder, duplicate, keep FIFO order) is
  // in a method of its own, and so is a bad draw.
  /**
   * Put message `id` from `from` to `to` on its way at `nowMs`, scheduled as a delivery on
   * `agenda`: its delay, then (unless a partition cuts the link) its loss, its reordering, the
   * extra delay of slow nodes (`extraMs` by node, undefined: none slow), FIFO order, and its
   * duplicate copy, drawn from `random` in that order. A lost message is scheduled only if
   * `keepLost` (a traced run shows where it was lost). Returns what happened, SENT_* bits.
   */
  send(agenda: Agenda, from: number, to: number, nowMs: number, random: Rng, extraMs: Float64Array | undefined, id: number, type: string, body: unknown, keepLost: boolean): number {
    const k = from * this.nodeCount + to;
    const link = this.links[k];
    const delayMs = link.latency.sampleMs(random);
    if (!(delayMs >= 0 && delayMs < Infinity)) return this.badDelay(delayMs, SENT_BAD_DELAY);
    let reason = DROP_NONE;
    if (this.blockedCount > 0 && this.blocked[k] > 0) reason = DROP_PARTITION;
    else if (link.dropProbability > 0 && random.next() < link.dropProbability) reason = DROP_LOSS;
    if (!link.plain) return this.sendFurther(agenda, link, from, to, k, nowMs, delayMs, reason, random, extraMs, id, type, body, keepLost);
    if (reason !== DROP_NONE && !keepLost) return SENT_LOST;
    const atMs = extraMs === undefined ? nowMs + delayMs : nowMs + (delayMs + (extraMs[from] + extraMs[to]));
    deliverySlot.encode(agenda, atMs, to, from, reason, false, id, nowMs, type, body);
    return reason === DROP_NONE ? 0 : SENT_LOST;
  }

  /** The rest of `send` on a link that is not plain: the draws after the loss keep their order. */
  private sendFurther(agenda: Agenda, link: Link, from: number, to: number, k: number, nowMs: number, delayMs: number, reason: number, random: Rng, extraMs: Float64Array | undefined, id: number, type: string, body: unknown, keepLost: boolean): number {
    if (link.reorderProbability > 0 && random.next() < link.reorderProbability) delayMs += link.reorderDelayMs;
    if (extraMs !== undefined) delayMs += extraMs[from] + extraMs[to];
    const atMs = link.fifo ? this.inOrder(k, nowMs + delayMs) : nowMs + delayMs;
    if (reason !== DROP_NONE) {
      if (keepLost) deliverySlot.encode(agenda, atMs, to, from, reason, false, id, nowMs, type, body);
      return SENT_LOST;
    }
    deliverySlot.encode(agenda, atMs, to, from, DROP_NONE, false, id, nowMs, type, body);
    if (!(link.duplicateProbability > 0 && random.next() < link.duplicateProbability)) return 0;
    const copyDelayMs = link.latency.sampleMs(random);
    if (!(copyDelayMs >= 0 && copyDelayMs < Infinity)) return this.badDelay(copyDelayMs, SENT_BAD_COPY_DELAY);
    deliverySlot.encode(agenda, link.fifo ? this.inOrder(k, nowMs + copyDelayMs) : nowMs + copyDelayMs, to, from, DROP_NONE, true, id, nowMs, type, body);
    return SENT_COPY;
  }

  private badDelay(delayMs: number, sent: number): number {
    this.badDelayMs = delayMs;
    return sent;
  }

  /** On a FIFO link `k`, an arrival at `atMs` comes no earlier than the last one scheduled. */
  private inOrder(k: number, atMs: number): number {
    const lastDeliveryMs = this.lastDeliveryMs;
    if (atMs < lastDeliveryMs[k]) atMs = lastDeliveryMs[k];
    lastDeliveryMs[k] = atMs;
    return atMs;
  }
}
