import type { SubscriptionView } from '@llm-rag-yt/rag';
import type { Command } from 'commander';
import { formatTime, table, UsageError } from '../io.ts';
import { appRunner, type CommandEnv, json, loadOrchestrator, out } from './env.ts';

/** Bad input (a regex that does not compile, a video URL, a duplicate) is a usage error: exit 2. */
async function usage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // The orchestrator is loaded by now (the app is open); importing it lazily keeps --help fast.
    const { InvalidInputError } = await loadOrchestrator();
    if (e instanceof InvalidInputError) throw new UsageError(e.message);
    throw e;
  }
}

function seconds(flag: string) {
  return (v: string) => {
    if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${flag} must be a number of seconds, got '${v}'.`);
    return Number(v);
  };
}

function id(v: string): number {
  if (!/^\d+$/.test(v))
    throw new UsageError(`A subscription id is a number (see subscriptions list), got '${v}'.`);
  return Number(v);
}

function row(s: SubscriptionView) {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title ?? '',
    url: s.url,
    status: s.status,
    found: s.videosFound,
    indexed: s.entries.indexed,
    waiting: s.entries.backlog + s.entries.queued,
    'last checked': formatTime(s.lastCheckedAt),
    'next check': s.status === 'paused' ? 'paused' : formatTime(s.nextCheckAt),
    error: s.lastError ?? '',
  };
}

export function registerSubscriptionCommands(program: Command, env: CommandEnv): void {
  const withApp = appRunner(env);
  program
    .command('subscribe <url>')
    .description(
      'Follow a YouTube channel or playlist, or an RSS/Atom feed: new videos are indexed automatically',
    )
    .option('--backfill <n>', 'also index the newest N videos already there', (v) => Number(v), 0)
    .option('--include <regex>', 'only titles matching this (case-insensitive)')
    .option('--exclude <regex>', 'skip titles matching this')
    .option('--min-duration <seconds>', 'skip shorter videos', seconds('--min-duration'))
    .option('--max-duration <seconds>', 'skip longer videos', seconds('--max-duration'))
    .option('--no-shorts', 'skip YouTube Shorts')
    .option('--no-live', 'skip live streams and premieres')
    .option('--json', 'machine-readable output')
    .action((url: string, o) =>
      withApp(async (app) => {
        const sub = await usage(() =>
          app.subscriptions.subscribe(url, {
            backfill: o.backfill,
            filters: {
              include: o.include,
              exclude: o.exclude,
              minDurationSeconds: o.minDuration,
              maxDurationSeconds: o.maxDuration,
              // commander's --no-x sets x=false
              noShorts: o.shorts === false,
              noLive: o.live === false,
            },
          }),
        );
        if (o.json) return json(env, sub);
        out(env, `Subscribed #${sub.id} (${sub.kind}) ${sub.url}; checking now, then every interval.`);
        if (!(await app.daemonIsLive()))
          out(env, 'No daemon is running: start one with `llm-rag-yt dev` so checks and indexing happen.');
      }),
    );

  const subs = program.command('subscriptions').description('Channels, playlists and feeds being followed');
  subs
    .command('list')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const list = await app.subscriptions.list();
        if (o.json) return json(env, list);
        if (list.length === 0) return out(env, 'No subscriptions. Add one with: llm-rag-yt subscribe URL');
        out(env, table(list.map(row)));
      }),
    );
  subs
    .command('show <id>')
    .description('A subscription with its latest entries')
    .option('--json', 'machine-readable output')
    .action((raw: string, o) =>
      withApp(async (app) => {
        const s = await app.subscriptions.get(id(raw));
        if (!s)
          throw new UsageError(`No subscription #${raw}. List them with: llm-rag-yt subscriptions list`);
        const entries = await app.subscriptions.entries(s.id, { limit: 50 });
        if (o.json) return json(env, { ...s, recent: entries });
        for (const [k, v] of Object.entries(row(s))) out(env, `${k.padEnd(13)} ${v}`);
        if (s.notice) out(env, `notice        ${s.notice}`);
        out(env, `filters       ${JSON.stringify(s.filters)}`);
        out(
          env,
          table(
            entries.map((e) => ({
              status: e.status,
              title: e.title ?? '',
              url: e.url,
              video: e.videoId ?? '',
              reason: e.reason ?? '',
            })),
          ),
        );
      }),
    );
  subs
    .command('remove <id>')
    .description('Stop following (indexed videos stay)')
    .action((raw: string) =>
      withApp(async (app) => {
        if (!(await app.subscriptions.remove(id(raw)))) throw new UsageError(`No subscription #${raw}.`);
        out(env, `Removed subscription #${raw}.`);
      }),
    );
  subs
    .command('check <id>')
    .description('Check now instead of at the next interval')
    .action((raw: string) =>
      withApp(async (app) => {
        const s = await usage(() => app.subscriptions.check(id(raw)));
        out(env, `Checking #${s.id} ${s.url} now.`);
      }),
    );
  for (const [name, verb] of [
    ['pause', 'Stop checking for now'],
    ['resume', 'Check again'],
  ] as const) {
    subs
      .command(`${name} <id>`)
      .description(verb)
      .action((raw: string) =>
        withApp(async (app) => {
          const s = await usage(() => app.subscriptions[name](id(raw)));
          out(env, `Subscription #${s.id} is ${s.status}.`);
        }),
      );
  }
}
