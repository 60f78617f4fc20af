// Network links: latency, loss, duplication, reordering, FIFO; the route of one send.
import { DROP_LOSS, DROP_NONE, DROP_PARTITION } from '../../core/drop-reasons';
import { assert, parseNumber, parseProbability, invalid, rejectUnknownKeys } from '../../core/options';
import type { Rng } from '../../core/rng';
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

/** What `route` found: the send is on its way, or a latency draw is no delay a message can take. */
export const ROUTE_OK = 0;
export const ROUTE_BAD_DELAY = 1;
/** The message is routed (`atMs`, `dropReason` hold), its duplicate copy drew a bad delay. */
export const ROUTE_BAD_COPY_DELAY = 2;

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
  // Filled by `route`, read at once by the sender (no record per send).
  /** When the routed message arrives, in ms. */
  atMs = 0;
  /** Why it is lost (DROP_NONE: it is not). */
  dropReason = DROP_NONE;
  /** When its duplicate copy arrives, in ms; NaN: no copy. */
  copyAtMs = NaN;
  /** The delay a latency draw gave that no message can take. */
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

  // A send's hot path inlines route with its latency draw, within V8's inlining budget: what a
  // plain link does not do (reorder, duplicate, keep FIFO order) is in a method of its own, and so
  // is a bad draw.
  /**
   * Route one send from `from` to `to` at `nowMs`: its delay, then (unless a partition cuts the
   * link) its loss, its reordering, the extra delay of slow nodes (`extraMs` by node, undefined:
   * none slow), FIFO order, and its duplicate copy, drawn from `random` in that order. Sets
   * `atMs`, `dropReason`, `copyAtMs`; a bad draw sets `badDelayMs`.
   */
  route(from: number, to: number, nowMs: number, random: Rng, extraMs: Float64Array | undefined): number {
    const k = from * this.nodeCount + to;
    const link = this.links[k];
    const delayMs = link.latency.sampleMs(random);
    if (!(delayMs >= 0 && delayMs < Infinity)) return this.badDelay(delayMs);
    let reason = DROP_NONE;
    if (this.blockedCount > 0 && this.blocked[k] > 0) reason = DROP_PARTITION;
    else if (link.dropProbability > 0 && random.next() < link.dropProbability) reason = DROP_LOSS;
    this.dropReason = reason;
    this.copyAtMs = NaN;
    if (!link.plain) return this.routeFurther(link, from, to, k, nowMs, delayMs, random, extraMs);
    this.atMs = extraMs === undefined ? nowMs + delayMs : nowMs + (delayMs + (extraMs[from] + extraMs[to]));
    return ROUTE_OK;
  }

  /** The rest of `route` on a link that is not plain: the draws after the loss keep their order. */
  private routeFurther(link: Link, from: number, to: number, k: number, nowMs: number, delayMs: number, random: Rng, extraMs: Float64Array | undefined): number {
    if (link.reorderProbability > 0 && random.next() < link.reorderProbability) delayMs += link.reorderDelayMs;
    if (extraMs !== undefined) delayMs += extraMs[from] + extraMs[to];
    this.atMs = link.fifo ? this.inOrder(k, nowMs + delayMs) : nowMs + delayMs;
    if (this.dropReason === DROP_NONE && link.duplicateProbability > 0 && random.next() < link.duplicateProbability) return this.routeCopy(link, k, nowMs, random);
    return ROUTE_OK;
  }

  private badDelay(delayMs: number): number {
    this.badDelayMs = delayMs;
    return ROUTE_BAD_DELAY;
  }

  /** On a FIFO link `k`, an arrival at `atMs` comes no earlier than the last one scheduled. */
  private inOrder(k: number, atMs: number): number {
    const lastDeliveryMs = this.lastDeliveryMs;
    if (atMs < lastDeliveryMs[k]) atMs = lastDeliveryMs[k];
    lastDeliveryMs[k] = atMs;
    return atMs;
  }

  /** The duplicate copy of the message just routed on link `k`. */
  private routeCopy(link: Link, k: number, nowMs: number, random: Rng): number {
    const copyDelayMs = link.latency.sampleMs(random);
    if (!(copyDelayMs >= 0 && copyDelayMs < Infinity)) {
      this.badDelayMs = copyDelayMs;
      return ROUTE_BAD_COPY_DELAY;
    }
    this.copyAtMs = link.fifo ? this.inOrder(k, nowMs + copyDelayMs) : nowMs + copyDelayMs;
    return ROUTE_OK;
  }
}
