// Engine workloads run on either build of the engine (before and after a change), each returning
// its rate and a signature of its result, so the two builds are shown to do the same work.
// against.mjs imports this file once per build (a different URL each time), so each build has its
// own copy of the handlers and V8 keeps separate type feedback for them.

/** The workloads over one build's `simulation` and `lognormalLatency`, scaled by `scale` (1: full). */
export function workloads({ simulation, lognormalLatency }, scale = 1) {
  const gossipSpec = (periodMs) => ({
    start(ctx) {
      ctx.setTimer('tick', periodMs * ctx.random());
    },
    onTimer(ctx) {
      const peers = ctx.peers;
      ctx.send(peers[Math.floor(ctx.random() * peers.length)], 'ping');
      ctx.setTimer('tick', periodMs);
    },
    onMessage(ctx, msg) {
      if (msg.type === 'ping') ctx.send(msg.from, 'ack');
    }
  });
  const gossipSim = (seed, trace, nodes) => {
    const sim = simulation({ seed, trace, network: { latency: lognormalLatency({ medianMs: 0.5, sigma: 0.5 }), dropProbability: 0.01 } });
    const spec = gossipSpec(1);
    for (let i = 0; i < nodes; i++) sim.node(`n${i}`, spec);
    return sim;
  };
  const signature = (sim) => JSON.stringify(sim.stats) + `@${sim.timeMs}`;

  const gossipUntilMs = Math.max(200, Math.round(4000 * scale));
  const tracedUntilMs = Math.max(100, Math.round(800 * scale));
  const faultsUntilMs = Math.max(200, Math.round(3000 * scale));
  const customers = Math.max(10_000, Math.round(150_000 * scale));
  const seeds = Math.max(200, Math.round(1500 * scale));

  return {
    gossip: {
      workload: `16 nodes ping a random peer every 1 ms, acked, lognormal latency, loss 0.01, ${gossipUntilMs} ms, tracing off`,
      run(seed) {
        const sim = gossipSim(seed, false, 16);
        const start = process.hrtime.bigint();
        sim.run({ untilMs: gossipUntilMs, eventsMax: 1e9 });
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        return { rate: sim.stats.events / wallS, signature: signature(sim) };
      }
    },
    mm1: {
      workload: `M/M/1 on timers, lambda 0.9/ms, mu 1/ms, ${customers} customers`,
      run(seed) {
        const sim = simulation({ seed, trace: false });
        sim.node('server', {
          state: () => ({ waiting: [], arrived: 0, served: 0, totalMs: 0 }),
          start(ctx) {
            ctx.setTimer('arrival', -Math.log(1 - ctx.random()) / 0.9);
          },
          onTimer(ctx, name) {
            const s = ctx.state;
            if (name === 'arrival') {
              s.waiting.push(ctx.timeMs);
              if (s.waiting.length - s.served === 1) ctx.setTimer('departure', -Math.log(1 - ctx.random()));
              if (++s.arrived < customers) ctx.setTimer('arrival', -Math.log(1 - ctx.random()) / 0.9);
            } else {
              s.totalMs += ctx.timeMs - s.waiting[s.served++];
              if (s.waiting.length > s.served) ctx.setTimer('departure', -Math.log(1 - ctx.random()));
            }
          }
        });
        const start = process.hrtime.bigint();
        sim.run({ eventsMax: 1e9 });
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        return { rate: sim.stats.events / wallS, signature: signature(sim) + `:${sim.stateOf('server').totalMs}` };
      }
    },
    traced: {
      workload: `the gossip workload with tracing on, ${tracedUntilMs} ms`,
      run(seed) {
        const sim = gossipSim(seed, true, 16);
        const start = process.hrtime.bigint();
        sim.run({ untilMs: tracedUntilMs, eventsMax: 1e9 });
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        return { rate: sim.stats.events / wallS, signature: signature(sim) + `:${sim.trace.length}` };
      }
    },
    faults: {
      workload: `8-node gossip under a partition, a pause, a slow node and a crash with restart every 100 ms, ${faultsUntilMs} ms, tracing off`,
      run(seed) {
        const sim = gossipSim(seed, false, 8);
        for (let t = 0, k = 0; t < faultsUntilMs; t += 100, k++) {
          sim.isolate(`n${k % 8}`, { atMs: t, untilMs: t + 30 });
          sim.pause(`n${(k + 1) % 8}`, { atMs: t + 10, durationMs: 20 });
          sim.slow(`n${(k + 2) % 8}`, { atMs: t + 20, extraDelayMs: 2, untilMs: t + 60 });
          sim.crash(`n${(k + 3) % 8}`, { atMs: t + 40, restartAfterMs: 25 });
        }
        const start = process.hrtime.bigint();
        sim.run({ untilMs: faultsUntilMs, eventsMax: 1e9 });
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        return { rate: sim.stats.events / wallS, signature: signature(sim) };
      }
    },
    monteCarlo: {
      workload: `${seeds} small runs (5-node majority write, random partition, one client request), tracing off: set-up cost`,
      run(seed) {
        const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
        let available = 0;
        let events = 0;
        const start = process.hrtime.bigint();
        for (let s = 0; s < seeds; s++) {
          const sim = simulation({ seed: seed * 100_000 + s, trace: false, network: { latency: 'same-datacenter', dropProbability: 0.01 } });
          sim.nodesOf(nodes, {
            state: () => ({ acks: 0, request: null }),
            onMessage(ctx, msg) {
              if (msg.requestId !== undefined) {
                ctx.state.request = msg;
                ctx.state.acks = 1;
                ctx.broadcast('write', msg.body);
                ctx.setTimer('timeout', 50);
              } else if (msg.type === 'write') ctx.send(msg.from, 'ack');
              else if (msg.type === 'ack' && ++ctx.state.acks === 3) ctx.respond(ctx.state.request, 'ok');
            },
            onTimer(ctx) {
              if (ctx.state.acks < 3) ctx.respond(ctx.state.request, 'timeout');
            }
          });
          if (sim.random.chance(0.5)) sim.partition(sim.random.shuffle(nodes.slice()).slice(0, 1 + sim.random.int(2)));
          const request = sim.request(sim.random.pick(nodes), 'write', s, { atMs: 1 });
          sim.run({ untilMs: 200, eventsMax: 10_000 });
          if (request.response === 'ok') available++;
          events += sim.stats.events;
        }
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        return { rate: seeds / wallS, signature: `${available}/${seeds}:${events}` };
      }
    }
  };
}
