import { applyMigrationSet, type DatabaseHandle, type MigrationSet } from '@llm-rag-yt/orchestrator';
import { type Kysely, type Migration, sql } from 'kysely';

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

/** Monitoring's tables: alerts, their deliveries, metrics snapshots, health checks. */
export const MONITORING_MIGRATIONS: MigrationSet = Object.freeze({
  owner: 'Monitoring',
  migrationTable: 'monitoring_migrations',
  tables: ['system_alerts', 'alert_deliveries', 'metrics_snapshots', 'health_checks'],
  hint: 'Check that the database user may create tables.',
  migrations,
});

/** Creates or upgrades the monitoring tables. Idempotent; safe from several processes at once. */
export function migrateMonitoring(handle: DatabaseHandle): Promise<void> {
  return applyMigrationSet(handle, MONITORING_MIGRATIONS);
}
