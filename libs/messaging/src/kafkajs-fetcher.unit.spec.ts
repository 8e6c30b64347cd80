import { Worker } from 'node:worker_threads';

/**
 * The chaos suite's scenario 1 found the audit service frozen after a broker kill: 100 % CPU, no
 * log line for 25 minutes, deaf to SIGTERM. A CPU profile showed kafkajs fetchers calling a
 * stopped runner's fetch in a loop. A broker leaving changes the cluster's node set, so
 * kafkajs' fetch manager stops its fetchers and starts new ones (KafkaJSFetcherRebalanceError);
 * a consumer stopped meanwhile (the transactional worker lets its consumer go when a
 * transaction fails, which a broker kill causes at the same moment) stopped the old fetchers
 * only. The new ones asked the stopped runner, whose fetch answered [] at once, and looped on
 * resolved promises: the event loop never turned again.
 *
 * Here kafkajs' own fetch manager, fetcher and runner `fetch` meet that interleaving exactly:
 * the stop arrives while the fetch manager is stopping its fetchers for a node-set change. It
 * runs in a worker thread, so that a spinning loop is cut off (and reported) instead of
 * freezing the test runner with it.
 */
const SCENARIO = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const createFetchManager = require(workerData.fetchManager);
const Runner = require(workerData.runner);

let nodeIds = [1, 2, 3];
const runner = {
  running: true,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  consumerGroup: {
    groupId: 'g',
    memberId: 'm',
    // one broker round trip: a little later, nothing fetched
    fetch: () => new Promise((r) => setTimeout(() => r([]), 5)),
  },
  instrumentationEmitter: { emit() {} },
  heartbeat: async () => {},
};
let fetchManager;
const stopRunner = () => {
  // what kafkajs' Runner#stop does
  runner.running = false;
  return fetchManager.stop();
};
let stopped;
let stopping = false;
const logger = {
  debug(message) {
    // the fetch manager begins stopping its fetchers for the node-set change: the consumer is
    // let go at that moment
    if (message === 'Stopping fetchers...' && !stopping && nodeIds.length === 2) {
      stopping = true;
      stopped = stopRunner();
    }
  },
  info() {},
  warn() {},
  error() {},
  namespace() {
    return logger;
  },
};
fetchManager = createFetchManager({
  logger,
  getNodeIds: () => nodeIds,
  fetch: (nodeId) => Runner.prototype.fetch.call(runner, nodeId),
  handler: async () => {},
  concurrency: 1,
});
const started = fetchManager.start().then(
  () => 'ended',
  (err) => 'ended: ' + err.message,
);
setTimeout(() => {
  nodeIds = [1, 2]; // a broker was killed
}, 30);
// Only a turning event loop reports: a spinning one never gets here.
started.then(async (how) => {
  await stopped;
  setTimeout(() => parentPort.postMessage({ how, loopTurns: true }), 10);
});
`;

describe('kafkajs fetchers under a broker kill (patches/kafkajs+2.2.4.patch)', () => {
  it('end when their consumer is stopped while they are replaced, instead of spinning for ever', async () => {
    const worker = new Worker(SCENARIO, {
      eval: true,
      workerData: {
        fetchManager: require.resolve('kafkajs/src/consumer/fetchManager'),
        runner: require.resolve('kafkajs/src/consumer/runner'),
      },
    });
    const outcome = await new Promise<unknown>((resolve, reject) => {
      // generous for a busy machine: the scenario itself takes about 50 ms
      const timer = setTimeout(() => {
        void worker.terminate();
        resolve('the fetchers were still spinning after 20 s: the event loop never turned');
      }, 20_000);
      worker.once('message', (m) => {
        clearTimeout(timer);
        void worker.terminate();
        resolve(m);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    expect(outcome).toEqual({ how: expect.stringMatching(/^ended/), loopTurns: true });
  }, 60_000);
});
