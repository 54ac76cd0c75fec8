import type { Command } from 'commander';
import { type CommandEnv, json, loadOrchestrator, out } from './env.ts';

/*
 * `llm-rag-yt db tables`: who owns which table of this installation, from the one registry
 * (schema.ts), with how many of each owner's migrations the database has applied. Reads only: it
 * opens the database without migrating it.
 */

export function registerDbCommands(program: Command, env: CommandEnv): void {
  const group = program.command('db').description("The installation's database: its tables and their owners");
  group
    .command('tables')
    .description('Each owner (migration set), its tables and how many of its migrations are applied')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const { migrationSetStatus, openDatabase } = await loadOrchestrator();
      const { migrationSets } = await import('../schema.ts');
      const config = env.config();
      const handle = await openDatabase(config.databaseUrl);
      try {
        const always = new Set(await migrationSets(handle.dialect, { bot: false }));
        const rows = [];
        for (const set of await migrationSets(handle.dialect, { bot: true })) {
          const { applied, total } = await migrationSetStatus(handle, set);
          rows.push({
            owner: set.owner,
            migrationTable: set.migrationTable,
            applied,
            total,
            runsIn: always.has(set) ? 'every process' : 'processes that run the bot',
            tables: set.tables,
          });
        }
        if (o.json) json(env, { dialect: handle.dialect, sets: rows });
        else
          for (const r of rows)
            out(
              env,
              `${r.owner} (${r.migrationTable}: ${r.applied}/${r.total} applied; runs in ${r.runsIn})\n  ${r.tables.join(', ')}`,
            );
      } finally {
        await handle.close();
      }
    });
}
