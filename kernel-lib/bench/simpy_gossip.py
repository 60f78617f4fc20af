"""SimPy peer of distlab's message-passing benchmark: N nodes, each ticks every PERIOD ms
and pings a random peer; a ping is answered with an ack. Lognormal latency, 1% loss.
Prints one JSON line: wall seconds and events (timer fires + deliveries)."""
import json, math, random, sys, time
import simpy

nodes, period_ms, until_ms, seed = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
MEDIAN_MS, SIGMA, DROP = 0.5, 0.5, 0.01
MU = math.log(MEDIAN_MS)
rng = random.Random(seed)
env = simpy.Environment()
counts = {"timers": 0, "delivered": 0}

def send(src, dst, kind):
    delay = rng.lognormvariate(MU, SIGMA)
    if rng.random() < DROP:
        return
    ev = env.timeout(delay, value=(src, dst, kind))
    ev.callbacks.append(deliver)

def deliver(ev):
    src, dst, kind = ev.value
    counts["delivered"] += 1
    if kind == "ping":
        send(dst, src, "ack")

def node(i):
    yield env.timeout(period_ms * rng.random())
    while True:
        counts["timers"] += 1
        peer = rng.randrange(nodes - 1)
        if peer >= i:
            peer += 1
        send(i, peer, "ping")
        yield env.timeout(period_ms)

for i in range(nodes):
    env.process(node(i))
start = time.perf_counter()
env.run(until=until_ms)
wall = time.perf_counter() - start
print(json.dumps({"wallS": wall, "events": counts["timers"] + counts["delivered"], **counts}))
