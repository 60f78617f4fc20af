// Live layer: real processes beside the simulation (an etcd cluster on loopback), never inside it.
export * from './etcd/installation';
export * from './etcd/cluster';
export { runningEtcdProcesses } from './etcd/lifecycle';
export * from './etcd/experiments';
