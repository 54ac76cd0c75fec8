import type { Command } from 'commander';
import { UsageError } from '../io.ts';
import { appRunner, type CommandEnv } from './env.ts';
import { finishLaunch, printAssets, printSensorStatus } from './pipeline.ts';
import { printRunLogs } from './runs.ts';

/**
 * The seed's troubleshooting commands, verbatim under `llm-rag-yt dagster …`:
 * `sensor list`, `job execute -j NAME`, `job logs -j NAME`, `asset list [-f FILE]`.
 * (`sensor start|stop NAME` are registered with the other sensor commands.)
 */
export function registerDagsterCompat(dagster: Command, env: CommandEnv): void {
  const withApp = appRunner(env);
  const sensor = dagster.commands.find((c) => c.name() === 'sensor');
  sensor
    ?.command('list')
    .description('List sensors with status and ticks (same as sensor-status)')
    .option('--json', 'machine-readable output')
    .action((o) => withApp((app) => printSensorStatus(env, app, !!o.json)));

  dagster
    .command('asset')
    .description("Assets (the seed's `dagster asset list`)")
    .command('list')
    .option('-f, --file <path>', 'accepted for compatibility; definitions are built in')
    .option('--json', 'machine-readable output')
    .action((o) => withApp((app) => printAssets(env, app, !!o.json)));

  const job = dagster.command('job').description("Jobs (the seed's `dagster job …`)");
  job
    .command('execute')
    .description('Execute a job now and follow it (same as run-job --wait)')
    .requiredOption('-j, --job <name>', 'job name')
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const run = await app.instance.submitRun({ jobName: o.job, origin: 'cli' });
        await finishLaunch(env, app, run, true, !!o.json);
      }),
    );
  job
    .command('logs')
    .description("Print the event log of the job's latest run")
    .requiredOption('-j, --job <name>', 'job name')
    .option('-l, --level <level>', 'minimum level: debug, info, warn, error', 'debug')
    .option('-f, --follow', 'keep printing until the run ends')
    .option('--json', 'one JSON event per line')
    .action((o) =>
      withApp(async (app) => {
        app.definitions.getJob(o.job);
        const [latest] = await app.storage.runs.listRuns({ jobName: o.job, limit: 1 });
        if (!latest)
          throw new UsageError(
            `No runs of ${o.job} yet. Start one with: llm-rag-yt dagster job execute -j ${o.job}`,
          );
        await printRunLogs(env, app, latest.runId, { level: o.level, follow: !!o.follow, json: !!o.json });
      }),
    );
}
