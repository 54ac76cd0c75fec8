import type { Run, RunEvent, RunStatus } from '@llm-rag-yt/orchestrator';
import type { Command } from 'commander';
import type { AppContext } from '../app.ts';
import { formatDuration, formatTime, table } from '../io.ts';
import { appRunner, type CommandEnv, json, loadOrchestrator, out } from './env.ts';
import { finishLaunch, parseIntStrict } from './pipeline.ts';

/** `runs list|show|logs|cancel|reexecute` under `pipeline` (and the `dagster` alias). */
export function registerRunsCommands(parent: Command, env: CommandEnv): void {
  const withApp = appRunner(env);
  const runs = parent.command('runs').description('Inspect and cancel runs');
  runs
    .command('list')
    .option('-s, --status <status>', 'filter by status: QUEUED, STARTED, SUCCESS, FAILURE, CANCELED, …')
    .option('-j, --job <name>', 'filter by job')
    .option('-n, --limit <n>', 'how many (newest first)', (v) => parseIntStrict(v, '--limit'), 20)
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const list = await app.storage.runs.listRuns({
          statuses: o.status ? [await parseStatus(o.status)] : undefined,
          jobName: o.job,
          limit: o.limit,
        });
        if (o.json) return json(env, list);
        out(
          env,
          table(
            list.map((r) => ({
              run: r.runId,
              job: r.jobName,
              status: r.status,
              partition: r.partitionKey ?? '',
              created: formatTime(r.createdAt),
              duration: r.startedAt ? formatDuration((r.endedAt ?? Date.now()) - r.startedAt) : '',
              origin: r.origin ?? '',
            })),
          ),
        );
      }),
    );
  runs
    .command('show <runId>')
    .option('--json', 'machine-readable output')
    .action((id: string, o) =>
      withApp(async (app) => {
        const run = await getRun(app, id);
        if (o.json) return json(env, run);
        out(env, describeRun(run));
      }),
    );
  runs
    .command('logs <runId>')
    .description("Print a run's event log")
    .option('-l, --level <level>', 'minimum level: debug, info, warn, error', 'debug')
    .option('-f, --follow', 'keep printing until the run ends')
    .option('--json', 'one JSON event per line')
    .action((id: string, o) =>
      withApp(async (app) =>
        printRunLogs(env, app, (await getRun(app, id)).runId, {
          level: o.level,
          follow: !!o.follow,
          json: !!o.json,
        }),
      ),
    );
  runs.command('cancel <runId>').action((id: string) =>
    withApp(async (app) => {
      const run = await getRun(app, id);
      const after = await app.instance.cancelRun(run.runId);
      out(env, `Run ${after.runId} is ${after.status}.`);
    }),
  );
  runs
    .command('reexecute <runId>')
    .description('Re-run a run; --from-failure runs only the failed steps and what follows them')
    .option('--from-failure', 'only failed and skipped steps')
    .option('-w, --wait', 'wait for it to finish')
    .action((id: string, o) =>
      withApp(async (app) => {
        const run = await app.instance.reexecuteRun((await getRun(app, id)).runId, {
          fromFailure: !!o.fromFailure,
        });
        await finishLaunch(env, app, run, !!o.wait, false);
      }),
    );
}

export function formatEvent(e: RunEvent): string {
  const t = new Date(e.timestamp).toISOString().slice(11, 23);
  const step = e.stepKey ? ` [${e.stepKey}]` : '';
  const dur =
    typeof e.data?.durationMs === 'number' ? ` (${formatDuration(e.data.durationMs as number)})` : '';
  const err = e.data?.error as { message?: string } | undefined;
  return `${t} ${e.level.toUpperCase().padEnd(5)} ${e.type}${step} ${e.message}${dur}${err?.message && !e.message.includes(err.message) ? ` — ${err.message}` : ''}`;
}

function describeRun(r: Run): string {
  const lines = [
    `Run       ${r.runId}`,
    `Job       ${r.jobName}`,
    `Status    ${r.status}`,
    `Origin    ${r.origin ?? ''}`,
    `Partition ${r.partitionKey ?? ''}`,
    `Priority  ${r.priority}`,
    `Tags      ${Object.entries(r.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `Created   ${formatTime(r.createdAt)}`,
    `Started   ${formatTime(r.startedAt)}`,
    `Ended     ${formatTime(r.endedAt)}`,
    `Duration  ${r.startedAt ? formatDuration((r.endedAt ?? Date.now()) - r.startedAt) : ''}`,
  ];
  if (r.parentRunId) lines.push(`Parent    ${r.parentRunId}`);
  if (r.error) lines.push(`Error     ${r.error.message}`);
  return lines.join('\n');
}

async function getRun(app: AppContext, id: string): Promise<Run> {
  const run = await app.storage.runs.getRun(id);
  if (run) return run;
  // Accept a unique prefix of a run id, as people copy the first characters.
  const recent = await app.storage.runs.listRuns({ limit: 500 });
  const matches = recent.filter((r) => r.runId.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  const { UnknownNameError } = await loadOrchestrator();
  throw new UnknownNameError(
    'run',
    id,
    recent.map((r) => r.runId),
  );
}

async function parseStatus(v: string): Promise<RunStatus> {
  const { RUN_STATUSES, UnknownNameError } = await loadOrchestrator();
  const s = v.toUpperCase() as RunStatus;
  if (!RUN_STATUSES.includes(s)) throw new UnknownNameError('run status', v, RUN_STATUSES);
  return s;
}

async function levelsFrom(min: string): Promise<('debug' | 'info' | 'warn' | 'error')[]> {
  const { UnknownNameError } = await loadOrchestrator();
  const all = ['debug', 'info', 'warn', 'error'] as const;
  const i = all.indexOf(min as (typeof all)[number]);
  if (i < 0) throw new UnknownNameError('log level', min, all);
  return all.slice(i) as ('debug' | 'info' | 'warn' | 'error')[];
}

/** Prints a run's events (from the first), optionally following until the run ends. */
export async function printRunLogs(
  env: CommandEnv,
  app: AppContext,
  runId: string,
  o: { level: string; follow: boolean; json: boolean },
): Promise<void> {
  const levels = await levelsFrom(o.level);
  const print = (e: RunEvent) => out(env, o.json ? JSON.stringify(e) : formatEvent(e));
  let afterId = 0;
  for (;;) {
    const events = await app.storage.events.listEvents(runId, { afterId, limit: 1000, levels });
    for (const e of events) {
      afterId = e.id;
      print(e);
    }
    if (events.length === 1000) continue;
    if (!o.follow) return;
    const now = await app.storage.runs.getRun(runId);
    if (!now || ['SUCCESS', 'FAILURE', 'CANCELED'].includes(now.status)) {
      for (const e of await app.storage.events.listEvents(runId, { afterId, levels })) print(e);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
