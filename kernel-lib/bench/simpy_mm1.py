"""SimPy peer of distlab's M/M/1 benchmark, written the canonical SimPy way (a Resource of
capacity 1, one process per customer). Arrival rate LAMBDA and service rate MU per ms.
Prints one JSON line: wall seconds, customers served, mean time in system (ms)."""
import json, random, sys, time
import simpy

customers, lam, mu, seed = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
env = simpy.Environment()
server = simpy.Resource(env, capacity=1)
stats = {"served": 0, "total_ms": 0.0}

def customer():
    arrived = env.now
    with server.request() as req:
        yield req
        yield env.timeout(rng.expovariate(mu))
    stats["served"] += 1
    stats["total_ms"] += env.now - arrived

def source():
    for _ in range(customers):
        yield env.timeout(rng.expovariate(lam))
        env.process(customer())

env.process(source())
start = time.perf_counter()
env.run()
wall = time.perf_counter() - start
print(json.dumps({"wallS": wall, "served": stats["served"], "meanTimeInSystemMs": stats["total_ms"] / stats["served"]}))
