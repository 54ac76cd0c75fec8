import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Run } from '@llm-rag-yt/orchestrator';
import type { Command } from 'commander';
import type { AppContext } from '../app.ts';
import { EXIT, formatTime, table, UsageError } from '../io.ts';
import { appRunner, type CommandEnv, json, loadOrchestrator, out } from './env.ts';
import { formatEvent, registerRunsCommands } from './runs.ts';

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
    .action(async (name: string, o) => {
      // Read and check the file before opening the database or connecting to Redis.
      const runConfig = o.config ? await readRunConfig(env, o.config) : undefined;
      await withApp(async (app) => {
        const run = await app.instance.submitRun({
          jobName: name,
          runConfig,
          tags: o.tag,
          priority: o.priority,
          origin: 'cli',
        });
        await finishLaunch(env, app, run, !!o.wait, !!o.json);
      });
    });

  parent
    .command('list-assets')
    .description('List assets with group, dependencies and latest materialization')
    .option('--json', 'machine-readable output')
    .action((o) => withApp((app) => printAssets(env, app, !!o.json)));

  parent
    .command('materialize-asset <selection...>')
    .description(
      "Materialize assets now: keys, 'group:name', '+key' (with upstream), 'key+' (with downstream)",
    )
    .option('--partition <key>', 'one partition, e.g. a video id')
    .option('-c, --config <file>', 'run config YAML/JSON')
    .option('--no-wait', 'only queue the run')
    .option('--json', 'machine-readable output')
    .action(async (selection: string[], o) => {
      const runConfig = o.config ? await readRunConfig(env, o.config) : undefined;
      await withApp(async (app) => {
        const run = await app.instance.materialize(selection, {
          partitionKey: o.partition ?? null,
          runConfig,
          origin: 'cli',
        });
        await finishLaunch(env, app, run, o.wait !== false, !!o.json);
      });
    });

  parent
    .command('sensor-status')
    .description('Show every sensor: status, interval, last tick and next tick')
    .option('--json', 'machine-readable output')
    .action((o) => withApp((app) => printSensorStatus(env, app, !!o.json)));

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

  registerRunsCommands(parent, env);
}

export async function finishLaunch(
  env: CommandEnv,
  app: AppContext,
  run: Run,
  wait: boolean,
  asJson: boolean,
) {
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

/** Run config files are small; a bigger "file" is a mistake (or /dev/zero) and must not hang us. */
export const MAX_RUN_CONFIG_BYTES = 1024 * 1024;

async function readRunConfig(env: CommandEnv, file: string) {
  const path = resolve(env.io.cwd, file);
  let text: string;
  try {
    text = readBounded(path, MAX_RUN_CONFIG_BYTES);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`Run config file '${file}' ${e.message}`);
    throw new UsageError(`Cannot read run config file '${file}': ${(e as Error).message}`);
  }
  const { parseRunConfig } = await loadOrchestrator();
  return parseRunConfig(text, file);
}

/** Reads at most `max` bytes (also from pipes and devices, which have no size); more is a UsageError. */
function readBounded(path: string, max: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > max)
        throw new UsageError(`is larger than ${max / 1024} KB; run config is a small YAML or JSON file.`);
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function collectTags(value: string, prev: Record<string, string>): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new UsageError(`--tag '${value}' must look like key=value.`);
  return { ...prev, [value.slice(0, i)]: value.slice(i + 1) };
}

export function parseIntStrict(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} must be a whole number, got '${v}'.`);
  return Number(v);
}

export async function printAssets(env: CommandEnv, app: AppContext, asJson: boolean): Promise<void> {
  const latest = await app.storage.events.latestMaterializations();
  const rows = [...app.definitions.assets.values()].map((a) => ({
    key: a.key,
    group: a.group,
    deps: a.deps.join(', '),
    partitions: a.partitions?.name ?? '',
    lastMaterialized: formatTime(latest.get(a.key)?.timestamp),
    description: a.description,
  }));
  if (asJson) json(env, rows);
  else out(env, table(rows));
}

export async function printSensorStatus(env: CommandEnv, app: AppContext, asJson: boolean): Promise<void> {
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
        lastResult: tick ? `${tick.status}${tick.runIds.length ? ` (${tick.runIds.length} runs)` : ''}` : '',
        nextTick: formatTime(v.nextTickAt),
      };
    }),
  );
  if (asJson) json(env, rows);
  else out(env, table(rows));
}
