import { type Kysely, type Migration, Migrator, sql } from 'kysely';

/** The slice of the shared DatabaseHandle that monitoring code needs. */
export interface MonitoringDb {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<any>;
}

// Epoch-ms timestamps need 64 bits on Postgres; SQLite integers already are.
const idColumn = (dialect: MonitoringDb['dialect']) => (dialect === 'postgres' ? 'bigserial' : 'integer');

function migrations(dialect: MonitoringDb['dialect']): Record<string, Migration> {
  return {
    '0001_monitoring': {
      async up(db: Kysely<any>) {
        const pk = idColumn(dialect);
        await db.schema
          .createTable('system_alerts')
          .ifNotExists()
          .addColumn('id', pk, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('acknowledged_at', 'bigint')
          .addColumn('acknowledged_by', 'text')
          .addColumn('sent_at', 'bigint')
          .execute();
        await db.schema
          .createIndex('system_alerts_status_idx')
          .ifNotExists()
          .on('system_alerts')
          .columns(['status', 'created_at'])
          .execute();
        // At most one unresolved alert per condition: the database, not only the code, enforces "raise once".
        await sql`CREATE UNIQUE INDEX IF NOT EXISTS system_alerts_active_fp ON system_alerts (fingerprint) WHERE status <> 'resolved'`.execute(
          db,
        );
        await db.schema
          .createTable('alert_deliveries')
          .ifNotExists()
          .addColumn('id', pk, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('alert_id', 'bigint', (c) =>
            c.notNull().references('system_alerts.id').onDelete('cascade'),
          )
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('delivered_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('alert_deliveries_once')
          .ifNotExists()
          .unique()
          .on('alert_deliveries')
          .columns(['alert_id', 'channel', 'state'])
          .execute();
        await db.schema
          .createIndex('alert_deliveries_due')
          .ifNotExists()
          .on('alert_deliveries')
          .columns(['status', 'next_attempt_at'])
          .execute();
        await db.schema
          .createTable('metrics_snapshots')
          .ifNotExists()
          .addColumn('id', pk, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('timestamp', 'bigint', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('metrics_snapshots_ts')
          .ifNotExists()
          .on('metrics_snapshots')
          .column('timestamp')
          .execute();
        await db.schema
          .createTable('health_checks')
          .ifNotExists()
          .addColumn('id', pk, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('timestamp', 'bigint', (c) => c.notNull())
          .addColumn('ok', 'integer', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('health_checks_ts')
          .ifNotExists()
          .on('health_checks')
          .column('timestamp')
          .execute();
      },
    },
  };
}

/**
 * Creates or upgrades the monitoring tables (system_alerts, alert_deliveries, metrics_snapshots,
 * health_checks). Idempotent; uses its own migration table so it never collides with other modules.
 */
export async function migrateMonitoring(handle: MonitoringDb): Promise<void> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations(handle.dialect) },
    migrationTableName: 'monitoring_migrations',
    migrationLockTableName: 'monitoring_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Monitoring migration '${failed}' failed on ${handle.dialect}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Check that the database user may create tables.',
      { cause: error },
    );
  }
}
