import type { Command } from 'commander';
import { type CommandEnv, openAppLazy } from './env.ts';

/**
 * `llm-rag-yt mcp`: the knowledge base as a Model Context Protocol server on stdio, for assistants
 * that start it themselves (Claude Desktop, Cursor, …). stdout carries only JSON-RPC; logs go to stderr.
 */
export function registerMcpCommand(program: Command, env: CommandEnv): void {
  program
    .command('mcp')
    .description('Model Context Protocol server on stdio (for Claude Desktop, Cursor and other MCP clients)')
    .option('--no-executor', 'do not run queued work here even when no daemon is running')
    .action(async (o: { executor?: boolean }) => {
      const app = await openAppLazy(env, 'cli');
      const { serveMcpStdio } = await import('@llm-rag-yt/server'); // loaded only for this command
      // Without a running daemon, `ingest` would queue work nobody does: run it in this process then.
      const stopExecutor = o.executor === false ? async () => {} : await app.ensureExecutor();
      try {
        const mcp = await serveMcpStdio({
          rag: app.rag,
          subscriptions: app.subscriptions,
          logger: app.logger,
          source: 'cli',
        });
        const onSignal = () => void mcp.close();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        await mcp.closed;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      } finally {
        await stopExecutor();
        await app.close();
      }
    });
}
