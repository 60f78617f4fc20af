/**
 * distlab: a deterministic simulator of machines, networks, clocks and faults,
 * and the figures that show what happened.
 *
 * This file is the public surface, on purpose: what the notebooks, the README and a learner's
 * own experiments need, listed name by name, layer by layer from the ground up (see
 * ARCHITECTURE.md). Everything else is internal: option checks, the event queue, the Monte Carlo
 * accumulators, the Vega-Lite compiler, MIME plumbing. A name added or removed here must also be
 * added to or removed from test/public-names.txt (test/public-surface.test.ts checks both).
 * Tests that need an internal import it from its source file.
 */

// core: errors a learner may catch, the seeded generator behind every random choice.
export { DistlabInputError } from './core/options';
export { DistlabLimitError, DistlabHandlerError } from './core/errors';
export { rng } from './core/rng';
export type { Rng } from './core/rng';
export type { MimeBundle, Displayable } from './core/mime';

// world: latency distributions, logical and physical clocks, the shapes of faults and partitions.
export { constantLatency, uniformLatency, normalLatency, lognormalLatency, exponentialLatency, empiricalLatency } from './world/net';
export type {
  LatencyDistribution,
  LatencySpec,
  LatencyPresetName,
  UniformLatencyOptions,
  NormalLatencyOptions,
  LognormalLatencyOptions,
  ExponentialLatencyOptions,
  LinkOptions,
  PartitionOptions,
  SplitOptions,
  HealOptions
} from './world/net';
export { lamportClock, vectorClock, hybridClock, physicalClock, compareVectors, compareHlc } from './world/clocks';
export type {
  LamportClock,
  VectorClock,
  HybridLogicalClock,
  PhysicalClock,
  PhysicalClockOptions,
  Vector,
  CausalRelation,
  HlcTimestamp
} from './world/clocks';
export type { CrashOptions, RestartOptions, PauseOptions, SlowOptions, OutgoingMessage, ByzantineHook } from './world/faults';

// trace: what happened in a run.
export { stateIntervalsFromChanges } from './trace';
export type { Trace, TraceEvent, TraceEventType, StateInterval, StateChange } from './trace';

// simulation: nodes, messages, timers, faults, bounded runs.
export { simulation } from './simulation/simulation';
export type {
  Simulation,
  SimulationOptions,
  ClockSpreadOptions,
  RunOptions,
  RunResult,
  NodeSpec,
  NodeContext,
  Message,
  RequestHandle
} from './simulation/simulation';

// checkers: invariants over a trace or a run, and a check over many seeds.
export { checkHappenedBefore, checkOneLeaderPerTerm, checkConvergence, checkSeeds, checkLinearizable } from './checkers';
export type { CheckResult, Counterexample, HappenedBeforeOptions, LeaderCheckOptions, ConvergenceOptions, CheckSeedsOptions, RegisterOperation, LinearizabilityOptions, LinearizabilityResult, LinearizabilityCounterexample } from './checkers';

// experiments: Monte Carlo over seeds and grids, and the statistics of its rows.
export { monteCarlo, MonteCarloRunError, summarize, percentile, wilsonInterval } from './experiments';
export type { MonteCarloOptions, MonteCarloResult, MonteCarloRow, Trial, TrialOutcome, MetricSummary, XyPoint } from './experiments';

// topics: one idea of the course each; a model, its simulation, the data its figure draws.
export {
  // latency and scalability
  CALL_STRATEGIES,
  dbLoopExperiment,
  callChainTimings,
  fanoutSlowProbability,
  fibreLatency,
  scalabilityExperiment,
  scalabilityPoints,
  replicaAvailabilityExperiment,
  userLatencyExperiment,
  deployWaitExperiment,
  DISTRIBUTION_SPECTRUM,
  placeOnSpectrum,
  // quorum
  majorityQuorum,
  binomialAvailability,
  // failure
  FAILURE_MODES,
  failureModeExperiment,
  noResponseExperiment,
  timeoutSweep,
  // clocks
  driftingClockOffsets,
  clockDriftExperiment,
  serverABExperiment,
  tradingClockSkewExperiment,
  tradingSkewSweep,
  lamportClockCondition,
  spannerCommitWait,
  // cap and pacelc
  replicatedRegisterExperiment,
  capSweep,
  partitionOutcomes,
  replicationSweep,
  replicationTradeoff,
  // generals and byzantine
  twoGeneralsRun,
  twoGeneralsAgreement,
  twoGeneralsRegress,
  oralMessages,
  byzantineSweep,
  generalsNeeded,
  // idempotency
  transferRetryExperiment,
  idempotencyComparison,
  atLeastOnceExperiment,
  // kubernetes
  kubeCluster,
  kubeNodeFailureExperiment,
  watchVsPollExperiment,
  kubeNodeFailureTimes,
  // raft
  raftCluster,
  checkRaftSafety,
  raftSafetyCheck,
  RAFT_SAFETY_PROPERTIES,
  raftFailoverExperiment,
  raftQuorumExperiment,
  raftMinorityLeaderExperiment,
  // resilience
  retryStormExperiment,
  bulkheadExperiment,
  syncChainExperiment,
  capBankExperiment
} from './topics';
export type {
  LatencyNumber,
  CallStrategy,
  DbLoopOptions,
  CallChainOptions,
  CallSpan,
  CallChainTimings,
  ScalabilityOptions,
  ScalabilityRow,
  ReplicaAvailabilityOptions,
  SpectrumStep,
  SpectrumPlace,
  SystemComponent,
  UserLatencyOptions,
  DeployWaitOptions,
  AvailabilityPoint,
  FailureMode,
  FailureModeOptions,
  FailureModeResult,
  RequestOutcome,
  SilenceCase,
  NoResponseOptions,
  NoResponseRow,
  TimeoutSweepOptions,
  ClockOffsetData,
  ClockOffsetSample,
  ClockSyncMark,
  DriftingClock,
  DriftingClockOffsetsOptions,
  ClockDriftOptions,
  ServerABOptions,
  StampedEvent,
  TradingOptions,
  TradingSkewSweepOptions,
  SpannerCommitWaitOptions,
  LamportConditionOptions,
  TradingResult,
  CapMode,
  ReplicatedRegisterOptions,
  CapSweepOptions,
  RegisterRequest,
  ReplicatedRegisterResult,
  PartitionOutcome,
  PartitionOutcomesOptions,
  ReplicationPoint,
  ReplicationTradeoffOptions,
  ReplicationSweepOptions,
  TwoGeneralsOptions,
  TwoGeneralsAgreementOptions,
  TwoGeneralsRegressOptions,
  RegressRow,
  Order,
  OralMessagesOptions,
  OralMessagesResult,
  ByzantineSweepRow,
  ByzantineSweepOptions,
  TransferRetryOptions,
  TransferRetryResult,
  AtLeastOnceOptions,
  KubeCluster,
  KubeClusterOptions,
  NodeFailureOptions,
  NodeFailureResult,
  WatchPollOptions,
  WatchPollRow,
  KubeVersion,
  KubeNodeFailureTimesOptions,
  KubeNodeFailureTimes,
  RaftCluster,
  RaftClusterOptions,
  RaftWorkloadOptions,
  RaftEntry,
  RaftRole,
  KvCommand,
  ReadMode,
  RaftObservations,
  RaftSafetyProperty,
  RaftSafetyOptions,
  RaftSafetyResult,
  RaftSafetyFailure,
  RaftFailoverOptions,
  RaftFailoverPoint,
  RaftFailoverResult,
  RaftQuorumOptions,
  RaftQuorumPoint,
  RaftMinorityOptions,
  RaftMinorityResult,
  RaftRequestResult,
  RetryStormOptions,
  BulkheadOptions,
  SyncChainOptions
} from './topics';

// measure: real measurements of this machine (live, never inside the simulator).
export { measureThisMachine, measureFunctionCallNs } from './measure';
export type { MeasuredLatency, MeasureOptions } from './measure';

// figures: pure functions from plain data (or a trace) to one bundle each.
export {
  latencyNumbersChart,
  latencyHistogram,
  latencyCdf,
  callChainTimeline,
  fanoutTailChart,
  spaceTimeDiagram,
  clockOffsetChart,
  clockSkewStory,
  availabilityChart,
  cpApChart,
  pacelcChart,
  stateLaneChart,
  kubeNodeFailureTimeline,
  xyChart,
  barChart,
  distributionComparisonChart,
  table,
  consoleOutput,
  formatDurationMs,
  formatDurationNs
} from './figures';
export type {
  Figure,
  Table,
  ConsoleOutput,
  VegaLiteSpec,
  TraceInput,
  TableCell,
  TableOptions,
  LatencyNumbersChartOptions,
  LatencyDistributionOptions,
  CallChainTimelineOptions,
  FanoutTailChartOptions,
  SpaceTimeDiagramOptions,
  ClockOffsetChartOptions,
  ClockSkewStoryOptions,
  AvailabilityChartOptions,
  CpApChartOptions,
  PacelcChartOptions,
  StateLaneChartOptions,
  KubeNodeFailureOptions,
  XyChartOptions,
  Bar,
  BarChartOptions,
  DistributionSeries,
  DistributionComparisonOptions
} from './figures';

// exercises: code checked in the kernel over many seeds, with a counterexample diagram.
export { gradeExercise } from './exercises';
export type {
  ExerciseId,
  ExerciseFunctions,
  ExerciseResult,
  GradeOptions,
  CheckResultV1,
  CheckCounterexample,
  CheckFailureKind,
  LamportReceive,
  GCounterMerge,
  GCounterState,
  TransferHandler,
  TransferRequest,
  BankState,
  QuorumSize
} from './exercises';

// live: a real etcd cluster on loopback beside the simulation (real processes, wall time).
export {
  startEtcdCluster,
  findEtcd,
  EtcdMissingError,
  runningEtcdProcesses,
  etcdPutLatencyExperiment,
  etcdFailoverExperiment,
  etcdQuorumExperiment,
  etcdMinorityLeaderExperiment,
  etcdHistoryExperiment
} from './live';
export type {
  EtcdCluster,
  EtcdClusterOptions,
  EtcdInstallation,
  EtcdOutcome,
  EtcdResult,
  EtcdGetResult,
  EtcdMemberState,
  EtcdMemberStatus,
  EtcdLeaderResult,
  EtcdPutLatencyOptions,
  EtcdPutLatencyResult,
  EtcdFailoverOptions,
  EtcdFailoverPoint,
  EtcdFailoverResult,
  EtcdQuorumOptions,
  EtcdQuorumPoint,
  EtcdMinorityOptions,
  EtcdMinorityResult,
  EtcdHistoryOptions,
  EtcdHistoryOperation,
  EtcdHistoryResult
} from './live';

// display: the channel to the notebook (importing it installs the inline display of a cell's last value).
export { show, monteCarloAsync, MonteCarloInterrupted } from './display';
export type { MonteCarloAsyncOptions } from './display';
