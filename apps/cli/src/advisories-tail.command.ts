import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Help, Option, SubCommand } from 'nest-commander';
import { ApiError } from './api-client';
import { ApiCommand, CONFIG_HELP, note, positiveInt, write, type ApiOptions } from './api-command';
import { CliError, ExitCode } from './exit-codes';
import { advisoryLine, blockId, SseBlocks, type StreamItem } from './stream-blocks';

interface TailOptions extends ApiOptions {
  json?: boolean;
  stateFile?: string;
  fromBeginning?: boolean;
  maxEvents?: number;
  kinds?: string;
}

@SubCommand({
  name: 'tail',
  description:
    'follow the advisories you may read (GET /v1/stream), reconnecting after a drop where it left off',
})
export class AdvisoriesTailCommand extends ApiCommand<TailOptions> {
  async run(_: string[], opts: TailOptions): Promise<void> {
    const client = this.client(opts);
    const saved =
      opts.stateFile && existsSync(opts.stateFile)
        ? readFileSync(opts.stateFile, 'utf8').trim() || undefined
        : undefined;
    let lastId = saved;
    let stored = saved;
    const save = () => {
      if (opts.stateFile && lastId && lastId !== stored) {
        writeFileSync(opts.stateFile, lastId + '\n');
        stored = lastId;
      }
    };
    const abort = new AbortController();
    let seen = 0;
    let stopping = false;
    const stop = () => {
      stopping = true;
      abort.abort();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let connectedOnce = false;
    let retryMs = 3000;
    let failures = 0;
    try {
      while (!stopping) {
        try {
          const res = await client.openStream(
            {
              kinds: opts.kinds ?? 'advisory',
              ...(lastId ? {} : { from: opts.fromBeginning ? 'beginning' : 'end' }),
            },
            lastId,
            abort.signal,
          );
          connectedOnce = true;
          failures = 0;
          let dispatched = false;
          const parser = createParser({
            onRetry: (ms) => (retryMs = ms),
            onEvent: (ev: EventSourceMessage) => {
              dispatched = true;
              if (ev.id !== undefined) lastId = ev.id;
              let item: StreamItem;
              try {
                item = JSON.parse(ev.data) as StreamItem;
              } catch {
                return;
              }
              if (opts.json) write(JSON.stringify({ position: ev.id ?? null, ...item }));
              else write(advisoryLine(item));
              seen++;
              if (opts.maxEvents && seen >= opts.maxEvents) stop();
            },
          });
          const blocks = new SseBlocks();
          const decoder = new TextDecoder();
          read: for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            for (const block of blocks.push(decoder.decode(chunk, { stream: true }))) {
              dispatched = false;
              parser.feed(block + '\n\n');
              if (!dispatched) lastId = blockId(block) ?? lastId;
              save();
              if (stopping) break read;
            }
          }
          if (!stopping) note('the stream ended; reconnecting');
        } catch (err) {
          if (stopping) break;
          if (err instanceof ApiError && err.status !== 503 && err.status !== 502) throw err;
          if (!(err instanceof CliError) || err.exitCode !== ExitCode.unreachable) throw err;
          if (!connectedOnce) throw err;
          failures++;
          note(`${err.message}; reconnecting`);
        }
        if (stopping) break;
        const wait = Math.min(30_000, retryMs * 2 ** Math.min(failures, 4));
        await new Promise((r) => setTimeout(r, failures === 0 ? retryMs : wait));
      }
    } finally {
      save();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }

  @Option({ flags: '--json', description: 'print each event as one line of JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({
    flags: '--state-file <file>',
    description: 'keep the stream position here; a later run resumes from it',
  })
  parseState(v: string): string {
    return v;
  }

  @Option({
    flags: '--from-beginning',
    description: 'start from the first advisory (without a stored position)',
  })
  parseFromBeginning(): boolean {
    return true;
  }

  @Option({ flags: '--max-events <n>', description: 'stop after this many events (exit 0)' })
  parseMax(v: string): number {
    return positiveInt('--max-events')(v);
  }

  @Option({ flags: '--kinds <kinds>', description: 'stream kinds (default advisory)' })
  parseKinds(v: string): string {
    return v;
  }

  @Help('after')
  help(): string {
    return `
Runs until interrupted (Ctrl-C, exit 0) or --max-events. A dropped connection is resumed with
Last-Event-ID, so nothing is missed or repeated; with --state-file that holds across runs.

Examples:
  acd advisories tail
  acd advisories tail --from-beginning --json | jq .data.title
  acd advisories tail --state-file ~/.acd-advisories.pos
${CONFIG_HELP}`;
  }
}
