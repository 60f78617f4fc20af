// Live etcd: a loopback proxy in front of each member's peer port, to cut, delay or drop one direction of a link.
import * as net from 'net';
import { rng, type Rng } from '../../core/rng';

/** What a directed link (messages from one member to another) does now. */
export type LinkState =
  | { mode: 'ok' }
  | { mode: 'cut' }
  | { mode: 'delay'; delayMs: number }
  | { mode: 'drop'; dropProbability: number };

const HEADER_END = Buffer.from('\r\n\r\n');
const HEADER_BYTES_MAX = 64 * 1024;

interface Tracked {
  from: string | null;
  client: net.Socket;
  upstream: net.Socket | null;
  /** Bytes were withheld in some direction: the stream is no longer whole, so heal resets it. */
  tainted: boolean;
  /** Delivery time of the last delayed chunk, per direction, so delayed chunks keep their order. */
  lastDueMs: { up: number; down: number };
}

/**
 * The proxy of one member: it listens on the port the member advertises to its peers and
 * forwards to the member's real peer port. etcd's peer requests name their sender (the
 * X-Server-From header of rafthttp), so each connection is known to carry `from → to` on the
 * way up and `to → from` on the way down, and each direction obeys its own link state.
 * Connections it cannot attribute (health probes) pass unchanged.
 */
export class PeerProxy {
  readonly to: string;
  private server: net.Server;
  private targetPort = 0;
  private readonly connections = new Set<Tracked>();
  private readonly random: Rng;

  constructor(
    to: string,
    private readonly linkState: (from: string, to: string) => LinkState,
    private readonly senderName: (hexId: string) => string | null,
    seed: number
  ) {
    this.to = to;
    this.random = rng(seed, 7);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(targetPort: number): Promise<number> {
    this.targetPort = targetPort;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Reset every connection that carries `from → to` in either direction (a link's state changed). */
  resetLink(from: string, to: string): void {
    for (const c of this.connections) {
      if ((c.from === from && this.to === to) || (c.from === to && this.to === from)) this.destroy(c);
    }
  }

  /** Reset the connections whose bytes were withheld, so etcd reconnects with whole streams. */
  resetTainted(): void {
    for (const c of this.connections) if (c.tainted) this.destroy(c);
  }

  resetAll(): void {
    for (const c of this.connections) this.destroy(c);
  }

  close(): Promise<void> {
    this.resetAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private destroy(c: Tracked): void {
    c.client.destroy();
    c.upstream?.destroy();
    this.connections.delete(c);
  }

  private accept(client: net.Socket): void {
    const c: Tracked = { from: null, client, upstream: null, tainted: false, lastDueMs: { up: 0, down: 0 } };
    this.connections.add(c);
    client.setNoDelay(true);
    client.on('error', () => this.destroy(c));
    client.on('close', () => this.destroy(c));
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0 && head.length < HEADER_BYTES_MAX) return;
      client.off('data', onHead);
      const match = /\r\nX-Server-From:\s*([0-9a-f]+)/i.exec(head.subarray(0, end < 0 ? head.length : end).toString('latin1'));
      c.from = match ? this.senderName(match[1].toLowerCase()) : null;
      this.open(c, head);
    };
    client.on('data', onHead);
  }

  private open(c: Tracked, head: Buffer): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    c.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('error', () => this.destroy(c));
    upstream.on('close', () => this.destroy(c));
    this.pass(c, 'up', head);
    c.client.on('data', (chunk: Buffer) => this.pass(c, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => this.pass(c, 'down', chunk));
  }

  /** One chunk in one direction: up is sender → this member, down is this member → sender. */
  private pass(c: Tracked, direction: 'up' | 'down', chunk: Buffer): void {
    const out = direction === 'up' ? c.upstream : c.client;
    if (out === null) return;
    const state: LinkState = c.from === null ? { mode: 'ok' } : direction === 'up' ? this.linkState(c.from, this.to) : this.linkState(this.to, c.from);
    if (state.mode === 'ok') {
      if (c.lastDueMs[direction] > Date.now()) this.later(c, direction, out, chunk, 0);
      else out.write(chunk);
    } else if (state.mode === 'cut') {
      c.tainted = true; // withheld: a partition loses the messages, the stream resets on heal
    } else if (state.mode === 'delay') {
      this.later(c, direction, out, chunk, state.delayMs);
    } else if (this.random.next() < state.dropProbability) {
      // A lost segment of a TCP stream breaks the stream: etcd sees the connection fail and redials.
      this.destroy(c);
    } else {
      out.write(chunk);
    }
  }

  private later(c: Tracked, direction: 'up' | 'down', out: net.Socket, chunk: Buffer, delayMs: number): void {
    const due = Math.max(Date.now() + delayMs, c.lastDueMs[direction]);
    c.lastDueMs[direction] = due;
    setTimeout(() => {
      if (!out.destroyed) out.write(chunk);
    }, Math.max(0, due - Date.now()));
  }
}
