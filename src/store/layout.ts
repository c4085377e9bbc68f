import path from 'node:path';

/**
 * The results store's layout (contracts.md §4), the one place its names are spelled:
 * `<store>/<test-name>/<timestamp>/` per run or campaign, a `latest` link at both
 * levels, and the files below. Writers (./writers.ts) and readers (./read.ts, serve,
 * compare) take every name from here.
 */
export const RUN_FILES = {
  /** the full test configuration */
  test: 'test.json',
  /** the history, streamed during the run */
  history: 'history.jsonl',
  /** every checker's result, the merged verdict and the run's facts */
  results: 'results.json',
  /** the controller's pino log */
  controllerLog: 'controller.log',
  /** the live status, rewritten every second while the run goes on (serve's live page follows it) */
  status: 'status.json',
  timeline: 'timeline.html',
  perf: 'perf.html',
  latencySvg: 'latency.svg',
  rateSvg: 'rate.svg',
  /** the violation page, when linearizability was violated */
  linearizability: 'linearizability.html',
  /** one directory per node */
  nodes: 'nodes',
} as const;

/** Below `nodes/<node>/`. */
export const NODE_FILES = {
  /** the node's stdout and stderr */
  log: 'node.log',
  /** what its data directory held at the end */
  dataListing: 'data-listing.txt',
  /** its data directory (bind-mounted into the container) */
  data: 'data',
  /** libfaketime's file (bind-mounted at /clock) */
  clockDir: 'clock',
  clockFile: 'offset',
} as const;

export const CAMPAIGN_FILES = {
  /** the campaign's report, rewritten after every run */
  campaign: 'campaign.json',
} as const;

/** The link at the store's and each test's level to the newest directory. */
export const LATEST = 'latest';

/** The files a run directory holds, in the order a person looks at them (serve's links). */
export const LINK_ORDER: readonly string[] = [
  RUN_FILES.results,
  CAMPAIGN_FILES.campaign,
  RUN_FILES.history,
  RUN_FILES.timeline,
  RUN_FILES.linearizability,
  RUN_FILES.perf,
  RUN_FILES.latencySvg,
  RUN_FILES.rateSvg,
  RUN_FILES.test,
  RUN_FILES.controllerLog,
];

/** The pictures a run page shows inline. */
export const PLOTS: readonly string[] = [RUN_FILES.latencySvg, RUN_FILES.rateSvg];

export type RunFile = keyof typeof RUN_FILES;

/** Absolute paths of one run directory's files. */
export function runPaths(dir: string): Record<RunFile, string> {
  return Object.fromEntries(Object.entries(RUN_FILES).map(([k, name]) => [k, path.join(dir, name)])) as Record<RunFile, string>;
}

/** One node's directory below a `nodes/` directory, and its files. */
export function nodePaths(nodesDir: string, id: string): { dir: string; log: string; dataListing: string; data: string; clockDir: string; clockFile: string } {
  const dir = path.join(nodesDir, id);
  const clockDir = path.join(dir, NODE_FILES.clockDir);
  return {
    dir,
    log: path.join(dir, NODE_FILES.log),
    dataListing: path.join(dir, NODE_FILES.dataListing),
    data: path.join(dir, NODE_FILES.data),
    clockDir,
    clockFile: path.join(clockDir, NODE_FILES.clockFile),
  };
}

/** A node's log relative to its run directory (`nodes/n1/node.log`), as serve links it. */
export const nodeLogRel = (id: string): string => `${RUN_FILES.nodes}/${id}/${NODE_FILES.log}`;
