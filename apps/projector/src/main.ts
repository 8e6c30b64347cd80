import 'reflect-metadata';
import { loadConfig, projectorSchema } from '@acd/config';
import { CheckpointStore, rebuildProjection } from '@acd/persistence';
import { createLogger, openRuntime } from '@acd/runtime';
import { PROJECTIONS, startProjectors } from './projectors';

const USAGE = `usage: projector [run | rebuild [<projection>...]]
  run        keep every read model up to date (default)
  rebuild    replay the events from offset 0 into fresh collections and swap them in
projections: ${PROJECTIONS.map((p) => p.name).join(', ')}`;

async function run(): Promise<void> {
  const logger = createLogger('projector');
  const { ACD_PROJECTOR_MAX_BATCH } = loadConfig(projectorSchema);
  const rt = await openRuntime('projector');
  const projectors = await startProjectors(rt, logger, ACD_PROJECTOR_MAX_BATCH);
  logger.info('projector running', { projections: PROJECTIONS.map((p) => p.name) });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    await projectors.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function rebuild(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !PROJECTIONS.some((p) => p.name === n));
  if (unknown.length > 0) throw new Error(`unknown projection(s): ${unknown.join(', ')}\n${USAGE}`);
  const chosen = names.length > 0 ? PROJECTIONS.filter((p) => names.includes(p.name)) : PROJECTIONS;
  const rt = await openRuntime('projector-rebuild');
  const checkpoints = new CheckpointStore(rt.db);
  try {
    for (const projection of chosen) {
      const started = Date.now();
      let lastPrint = 0;
      const result = await rebuildProjection({
        kafka: rt.kafka,
        topics: rt.topics,
        codec: rt.codec,
        db: rt.db,
        checkpoints,
        projection,
        onProgress: ({ read, total }) => {
          const now = Date.now();
          if (now - lastPrint < 500 && read < total) return;
          lastPrint = now;
          const rate = Math.round(read / Math.max((now - started) / 1000, 0.001));
          const pct = total > 0 ? Math.floor((100 * read) / total) : 100;
          process.stderr.write(
            `\rrebuild ${projection.name}: ${read}/${total} offsets (${pct}%) ${rate}/s   `,
          );
        },
      });
      process.stderr.write('\n');
      const ms = Date.now() - started;
      const perSec = (n: number) => Math.round(n / Math.max(ms / 1000, 0.001));
      console.log(
        `rebuilt ${projection.name}: ${result.events} events -> ${result.documents} documents, ` +
          `generation ${result.generation}, ${result.undecodable} undecodable skipped, ${ms} ms ` +
          `(${perSec(result.events)} events/s, ${perSec(result.documents)} documents/s)`,
      );
    }
  } finally {
    await rt.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = 'run', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'run') return run();
  if (command === 'rebuild') return rebuild(rest);
  throw new Error(`unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).then(
  () => {
    if (process.argv[2] === 'rebuild') process.exit(0);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
