import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseHandle } from '@llm-rag-yt/orchestrator';
import {
  createInstance,
  createSqlStorage,
  Definitions,
  defineAsset,
  defineJob,
  defineSchedule,
  defineSensor,
  type Instance,
  openDatabase,
  type Storage,
  z,
} from '@llm-rag-yt/orchestrator';

/** Test assets: a small pipeline with a partitioned asset, a config schema and a failing asset. */
export function testDefinitions(): Definitions {
  const source = defineAsset({
    key: 'source_urls',
    group: 'ingestion',
    description: 'URLs to fetch',
    config: z.object({ limit: z.number().int().min(1).default(10) }),
    compute: (ctx) => {
      ctx.log.info('fetched urls', { count: 3 });
      ctx.addMetadata({ url_count: 3 });
      return ['a', 'b', 'c'];
    },
  });
  const audio = defineAsset({
    key: 'audio_files',
    group: 'ingestion',
    deps: ['source_urls'],
    partitions: { kind: 'dynamic', name: 'videos' },
    compute: (ctx) => {
      ctx.reportMaterialization({ partitionKey: 'vid1', metadata: { bytes: 100 } });
      ctx.addMetadata({ files: 1 });
    },
  });
  const flaky = defineAsset({
    key: 'flaky_index',
    group: 'processing',
    deps: ['audio_files'],
    config: z.object({ fail: z.boolean().default(false) }),
    compute: (ctx) => {
      if ((ctx.config as { fail: boolean }).fail) throw new Error('index build failed on purpose');
      ctx.addMetadata({ chunks: 42 });
    },
  });
  const job = defineJob({ name: 'ingest_job', selection: ['*'], description: 'Everything' });
  const sensor = defineSensor({
    name: 'test_sensor',
    job: 'ingest_job',
    minimumIntervalSeconds: 30,
    defaultStatus: 'STOPPED',
    evaluate: () => ({ skipReason: 'nothing new' }),
  });
  const schedule = defineSchedule({ name: 'nightly', job: 'ingest_job', cron: '0 3 * * *' });
  return new Definitions({
    assets: [source, audio, flaky],
    jobs: [job],
    sensors: [sensor],
    schedules: [schedule],
  });
}

export interface Fixture {
  dir: string;
  handle: DatabaseHandle;
  storage: Storage;
  instance: Instance;
  close(): Promise<void>;
}

/** A real SQLite database in a temp folder with the orchestrator's tables. */
export async function createFixture(definitions = testDefinitions()): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'server-test-'));
  const handle = await openDatabase(`sqlite:${join(dir, 'state.db')}`);
  const storage = createSqlStorage(handle);
  await storage.migrate();
  const instance = createInstance({ storage, definitions });
  return {
    dir,
    handle,
    storage,
    instance,
    async close() {
      await instance.close();
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const silentLogger = { info() {}, warn() {}, error() {} };
