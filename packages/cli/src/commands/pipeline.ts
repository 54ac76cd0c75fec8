import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Run, RunEvent, RunStatus } from '@llm-rag-yt/orchestrator';
import { RUN_STATUSES, UnknownNameError } from '@llm-rag-yt/orchestrator';
import { parseRunConfig } from '@llm-rag-yt/orchestrator/runs/run-config.ts';
import type { Command } from 'commander';
import type { AppContext } from '../app.ts';
import { EXIT, formatDuration, formatTime, table, UsageError } from '../io.ts';
import { appRunner, type CommandEnv, json, out } from './env.ts';

/** Registers the orchestrator commands on `parent` (`pipeline` or the seed's `dagster` alias). */
export function registerPipelineCommands(
  parent: Command,
  env: CommandEnv,
  opts: { dagsterAlias: boolean },
): void {
  const withApp = appRunner(env);
  if (opts.dagsterAlias) {
    parent
      .command('dev')
      .description('Start the web server and the daemon (same as `llm-rag-yt dev`)')
      .option('-p, --port <port>', 'HTTP port')
      .option('-h, --host <host>', 'address to bind')
      .action(async (o) => {
        const { runDev } = await import('./serve.ts');
        await runDev(env, o);
      });
  }

  parent
    .command('list-jobs')
    .description('List jobs with their steps and what triggers them')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const defs = app.definitions;
        const rows = [...defs.jobs.values()].map((j) => ({
          name: j.name,
          steps: defs
            .planFor(j.name)
            .map((s) => s.key)
            .join(', '),
          triggers: [
            ...[...defs.sensors.values()].filter((s) => s.jobName === j.name).map((s) => `sensor:${s.name}`),
            ...[...defs.schedules.values()]
              .filter((s) => s.jobName === j.name)
              .map((s) => `schedule:${s.name}`),
          ].join(', '),
          description: j.description,
        }));
        if (o.json) json(env, rows);
        else out(env, table(rows, ['name', 'steps', 'triggers', 'description']));
      }),
    );

  parent
    .command('run-job <name>')
    .description('Launch a job run (queued for the daemon; --wait executes and follows it)')
    .option('-c, --config <file>', "run config YAML/JSON in the seed's shape (ops: <step>: config: …)")
    .option('-t, --tag <k=v...>', 'tag the run (repeatable)', collectTags, {} as Record<string, string>)
    .option('--priority <n>', 'higher runs first', (v) => parseIntStrict(v, '--priority'))
    .option('-w, --wait', 'wait for the run to finish, showing its steps')
    .option('--json', 'machine-readable output')
    .action((name: string, o) =>
      withApp(async (app) => {
        const runConfig = o.config ? readRunConfig(env, o.config) : undefined;
        const run = await app.instance.submitRun({
          jobName: name,
          runConfig,
          tags: o.tag,
          priority: o.priority,
          origin: 'cli',
        });
        await finishLaunch(env, app, run, !!o.wait, !!o.json);
      }),
    );

  parent
    .command('list-assets')
    .description('List assets with group, dependencies and latest materialization')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const latest = await app.storage.events.latestMaterializations();
        const rows = [...app.definitions.assets.values()].map((a) => ({
          key: a.key,
          group: a.group,
          deps: a.deps.join(', '),
          partitions: a.partitions?.name ?? '',
          lastMaterialized: formatTime(latest.get(a.key)?.timestamp),
          description: a.description,
        }));
        if (o.json) json(env, rows);
        else out(env, table(rows));
      }),
    );

  parent
    .command('materialize-asset <selection...>')
    .description(
      "Materialize assets now: keys, 'group:name', '+key' (with upstream), 'key+' (with downstream)",
    )
    .option('--partition <key>', 'one partition, e.g. a video id')
    .option('-c, --config <file>', 'run config YAML/JSON')
    .option('--no-wait', 'only queue the run')
    .option('--json', 'machine-readable output')
    .action((selection: string[], o) =>
      withApp(async (app) => {
        const run = await app.instance.materialize(selection, {
          partitionKey: o.partition ?? null,
          runConfig: o.config ? readRunConfig(env, o.config) : undefined,
          origin: 'cli',
        });
        await finishLaunch(env, app, run, o.wait !== false, !!o.json);
      }),
    );

  parent
    .command('sensor-status')
    .description('Show every sensor: status, interval, last tick and next tick')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const views = await app.instance.listSensors();
        const rows = await Promise.all(
          views.map(async (v) => {
            const [tick] = await app.storage.instigators.listTicks(v.definition.name, { limit: 1 });
            return {
              name: v.definition.name,
              status: v.status,
              job: v.definition.jobName,
              interval: `${v.definition.minimumIntervalSeconds}s`,
              lastTick: formatTime(tick?.timestamp),
              lastResult: tick
                ? `${tick.status}${tick.runIds.length ? ` (${tick.runIds.length} runs)` : ''}`
                : '',
              nextTick: formatTime(v.nextTickAt),
            };
          }),
        );
        if (o.json) json(env, rows);
        else out(env, table(rows));
      }),
    );

  const sensor = parent.command('sensor').description('Start, stop or tick a sensor');
  for (const [verb, status] of [
    ['start', 'RUNNING'],
    ['stop', 'STOPPED'],
  ] as const) {
    sensor
      .command(`${verb} <name>`)
      .description(`${verb === 'start' ? 'Turn on' : 'Turn off'} a sensor`)
      .action((name: string) =>
        withApp(async (app) => {
          const v = await app.instance.setSensorStatus(name, status);
          out(env, `Sensor ${v.definition.name} is now ${v.status}.`);
        }),
      );
  }
  sensor
    .command('tick <name>')
    .description('Evaluate a sensor now and launch what it requests')
    .option('--json', 'machine-readable output')
    .action((name: string, o) =>
      withApp(async (app) => {
        const tick = await app.instance.tickSensor(name);
        if (o.json) return json(env, tick);
        out(
          env,
          `Tick ${tick.status}: ${tick.runIds.length} run(s)${tick.skipReason ? ` — skipped: ${tick.skipReason}` : ''}${
            tick.error ? ` — error: ${tick.error.message}` : ''
          }`,
        );
        for (const id of tick.runIds) out(env, `  run ${id}`);
        if (tick.status === 'FAILURE') env.setExitCode(EXIT.FAILED);
      }),
    );

  const schedule = parent.command('schedule').description('List, start or stop schedules');
  schedule
    .command('list')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const rows = (await app.instance.listSchedules()).map((v) => ({
          name: v.definition.name,
          status: v.status,
          cron: v.definition.cron,
          timezone: v.definition.timezone,
          job: v.definition.jobName,
          nextTick: formatTime(v.nextTickAt),
        }));
        if (o.json) json(env, rows);
        else out(env, table(rows));
      }),
    );
  for (const [verb, status] of [
    ['start', 'RUNNING'],
    ['stop', 'STOPPED'],
  ] as const) {
    schedule.command(`${verb} <name>`).action((name: string) =>
      withApp(async (app) => {
        const v = await app.instance.setScheduleStatus(name, status);
        out(env, `Schedule ${v.definition.name} is now ${v.status}.`);
      }),
    );
  }

  const runs = parent.command('runs').description('Inspect and cancel runs');
  runs
    .command('list')
    .option('-s, --status <status>', `filter: ${RUN_STATUSES.join(', ')}`, (v) => parseStatus(v))
    .option('-j, --job <name>', 'filter by job')
    .option('-n, --limit <n>', 'how many (newest first)', (v) => parseIntStrict(v, '--limit'), 20)
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const list = await app.storage.runs.listRuns({
          statuses: o.status ? [o.status] : undefined,
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
      withApp(async (app) => {
        const run = await getRun(app, id);
        const levels = levelsFrom(o.level);
        let afterId = 0;
        for (;;) {
          const events = await app.storage.events.listEvents(run.runId, { afterId, limit: 1000, levels });
          for (const e of events) {
            afterId = e.id;
            out(env, o.json ? JSON.stringify(e) : formatEvent(e));
          }
          if (events.length === 1000) continue;
          if (!o.follow) break;
          const now = await app.storage.runs.getRun(run.runId);
          if (!now || ['SUCCESS', 'FAILURE', 'CANCELED'].includes(now.status)) {
            const rest = await app.storage.events.listEvents(run.runId, { afterId, levels });
            for (const e of rest) out(env, o.json ? JSON.stringify(e) : formatEvent(e));
            break;
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      }),
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

async function finishLaunch(env: CommandEnv, app: AppContext, run: Run, wait: boolean, asJson: boolean) {
  if (!wait) {
    if (asJson) return json(env, run);
    out(env, `Queued run ${run.runId} of ${run.jobName}.`);
    if (!(await app.daemonIsLive()))
      out(env, 'No daemon is running: start one with `llm-rag-yt dev` (or pass --wait to execute it now).');
    return;
  }
  if (!asJson) out(env, `Run ${run.runId} of ${run.jobName} queued.`);
  const stopExecutor = await app.ensureExecutor();
  try {
    const final = await app.instance.waitForRun(run.runId, {
      onEvent: (e) => {
        if (!asJson && e.type !== 'LOG' && e.type !== 'RUN_ENQUEUED') out(env, formatEvent(e));
        else if (!asJson && e.level !== 'debug') out(env, formatEvent(e));
      },
    });
    if (asJson) json(env, final);
    else out(env, `Run ${final.runId} ${final.status}${final.error ? `: ${final.error.message}` : ''}.`);
    if (final.status !== 'SUCCESS') env.setExitCode(EXIT.FAILED);
  } finally {
    await stopExecutor();
  }
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
  throw new UnknownNameError(
    'run',
    id,
    recent.map((r) => r.runId),
  );
}

function readRunConfig(env: CommandEnv, file: string) {
  const path = resolve(env.io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read run config file '${file}': ${(e as Error).message}`);
  }
  return parseRunConfig(text, file);
}

function collectTags(value: string, prev: Record<string, string>): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new UsageError(`--tag '${value}' must look like key=value.`);
  return { ...prev, [value.slice(0, i)]: value.slice(i + 1) };
}

function parseIntStrict(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} must be a whole number, got '${v}'.`);
  return Number(v);
}

function parseStatus(v: string): RunStatus {
  const s = v.toUpperCase() as RunStatus;
  if (!RUN_STATUSES.includes(s)) throw new UnknownNameError('run status', v, RUN_STATUSES);
  return s;
}

function levelsFrom(min: string): ('debug' | 'info' | 'warn' | 'error')[] {
  const all = ['debug', 'info', 'warn', 'error'] as const;
  const i = all.indexOf(min as (typeof all)[number]);
  if (i < 0) throw new UnknownNameError('log level', min, all);
  return all.slice(i) as ('debug' | 'info' | 'warn' | 'error')[];
}
