import { Command, CommanderError } from 'commander';
import { registerBotCommands } from './commands/bot.ts';
import { registerDagsterCompat } from './commands/dagster-compat.ts';
import { registerDbCommands } from './commands/db.ts';
import { type CommandEnv, loadOrchestrator } from './commands/env.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerMcpCommand } from './commands/mcp.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { registerRagCommands } from './commands/rag.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerSubscriptionCommands } from './commands/subscriptions.ts';
import { registerYtDlpCommands } from './commands/ytdlp.ts';
import type * as ConfigModule from './config.ts';
import { EXIT, type Io, UsageError } from './io.ts';

/*
 * Startup cost matters (`--help` should take a fraction of a second): this module and the command
 * registrations import only commander and our own small modules. Config (zod), the orchestrator
 * (kysely, storage) and the composition root are imported when a command runs.
 */

/**
 * The `llm-rag-yt` command. Returns the exit code instead of exiting so tests can call it:
 * 0 success, 1 a run or operation failed, 2 bad usage / unknown name / invalid config.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.OK;
  let configModule: typeof ConfigModule | null = null;
  const env: CommandEnv = {
    io,
    config: () => {
      if (!configModule) throw new Error('config read before the command started');
      return configModule.loadConfig(io.env, io.cwd);
    },
    setExitCode: (c) => {
      exitCode = Math.max(exitCode, c);
    },
  };
  const program = new Command('llm-rag-yt')
    .description('Turn YouTube videos into a searchable, question-answerable knowledge base.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .hook('preAction', async () => {
      configModule ??= await import('./config.ts');
    });

  registerServeCommands(program, env);
  const pipeline = program.command('pipeline').description('Jobs, assets, sensors, schedules and runs');
  registerPipelineCommands(pipeline, env, { dagsterAlias: false });
  // The seed's commands verbatim: `llm-rag-yt dagster list-jobs` etc.
  const dagster = program.command('dagster').description("Alias group for the seed's `dagster …` commands");
  registerPipelineCommands(dagster, env, { dagsterAlias: true });
  registerDagsterCompat(dagster, env);
  registerRagCommands(program, env);
  registerEvalCommand(program, env);
  registerSubscriptionCommands(program, env);
  registerBotCommands(program, env);
  registerYtDlpCommands(program, env);
  registerDbCommands(program, env);
  registerMcpCommand(program, env);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    return await reportError(e, io);
  }
  return exitCode;
}

async function reportError(e: unknown, io: Io): Promise<number> {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
      return EXIT.OK;
    // commander already printed its message (with a suggestion for unknown commands).
    return EXIT.USAGE;
  }
  const { InvalidConfigError, OrchestratorError, UnknownNameError } = await loadOrchestrator();
  const { ConfigError } = await import('./config.ts');
  if (
    e instanceof UsageError ||
    e instanceof ConfigError ||
    e instanceof UnknownNameError ||
    e instanceof InvalidConfigError ||
    (e instanceof OrchestratorError && (e.code === 'INVALID_DEFINITION' || e.code === 'INVALID_CRON'))
  ) {
    io.stderr.write(`error: ${e.message}\n`);
    return EXIT.USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr.write(`error: ${message}\n`);
  if (io.env.LLM_RAG_YT_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT.FAILED;
}
