import type { AssetDefinition, AssetMaterialization, Instance, RunEvent } from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { z } from 'zod';
import { ASSET_NODE, layoutAssetGraph, type Point } from '../asset-layout.ts';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { param, qInt, readJson, readQuery, shortText } from '../validation.ts';

export type AssetStatus = 'MATERIALIZED' | 'FAILED' | 'RUNNING' | 'NEVER';

/** How far back in the global event log to look for step starts/failures when colouring assets. */
const STATUS_WINDOW_EVENTS = 20_000;

export const materializeBody = z
  .object({
    selection: z.array(shortText(300).min(1)).min(1, 'pick at least one asset').max(1000),
    partitionKey: shortText(300).nullable().optional(),
    tags: z.record(shortText(100), shortText(500)).optional(),
  })
  .strict();

export function assetSummary(
  a: AssetDefinition,
  latest: AssetMaterialization | undefined,
  status: AssetStatus,
) {
  return {
    key: a.key,
    group: a.group,
    deps: a.deps,
    description: a.description,
    partitions: a.partitions,
    metadata: a.metadata,
    tags: a.tags,
    status,
    latestMaterialization: latest ?? null,
  };
}

/** Latest status per asset: a recent failure/start newer than the last materialization wins. */
async function assetStatuses(instance: Instance): Promise<{
  latest: Map<string, AssetMaterialization>;
  status: Map<string, AssetStatus>;
}> {
  const storage = instance.storage;
  const [latest, maxId] = await Promise.all([
    storage.events.latestMaterializations(),
    storage.events.maxEventId(),
  ]);
  const recent: RunEvent[] = await storage.events.listEventsAfter(Math.max(0, maxId - STATUS_WINDOW_EVENTS), {
    types: ['STEP_START', 'STEP_FAILURE', 'STEP_SUCCESS'],
    limit: 5000,
  });
  const lastStep = new Map<string, RunEvent>();
  for (const e of recent) if (e.stepKey) lastStep.set(e.stepKey, e);
  const status = new Map<string, AssetStatus>();
  for (const key of instance.definitions.assets.keys()) {
    const m = latest.get(key);
    const e = lastStep.get(key);
    let s: AssetStatus = m ? 'MATERIALIZED' : 'NEVER';
    if (e && (!m || e.timestamp >= m.timestamp)) {
      if (e.type === 'STEP_FAILURE') s = 'FAILED';
      else if (e.type === 'STEP_START') s = 'RUNNING';
    }
    status.set(key, s);
  }
  return { latest, status };
}

export function assetRoutes(opts: AppOptions): Hono {
  const { instance } = opts;
  const defs = instance.definitions;
  const app = new Hono();
  const shape = {
    keys: [...defs.assets.keys()],
    edges: [...defs.assets.values()].flatMap((a) => a.deps.map((d) => ({ source: d, target: a.key }))),
  };
  // Lay the graph out in the background as soon as the server is built, so the first visit to the
  // graph page finds positions ready; the request below waits for it if it is still running.
  layoutAssetGraph(shape).catch((e: unknown) =>
    opts.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'asset graph layout failed'),
  );

  app.get('/assets', async (c) => {
    const { latest, status } = await assetStatuses(instance);
    const assets = [...defs.assets.values()].map((a) =>
      assetSummary(a, latest.get(a.key), status.get(a.key)!),
    );
    const groups = [...new Set(assets.map((a) => a.group))].sort();
    return c.json({ assets, groups });
  });

  // Not under /assets/: an asset may be called `graph` (keys are identifiers, so no key has a '-').
  app.get('/asset-graph', async (c) => {
    const [{ latest, status }, layout] = await Promise.all([
      assetStatuses(instance),
      layoutAssetGraph(shape).then(
        (positions): { positions: Map<string, Point>; error: null } => ({ positions, error: null }),
        (e: unknown) => ({
          positions: new Map<string, Point>(),
          error: e instanceof Error ? e.message : String(e),
        }),
      ),
    ]);
    const nodes = [...defs.assets.values()].map((a) => {
      const p = layout.positions.get(a.key);
      return {
        key: a.key,
        group: a.group,
        status: status.get(a.key)!,
        partitioned: a.partitions !== null,
        lastMaterializedAt: latest.get(a.key)?.timestamp ?? null,
        x: p?.x ?? null,
        y: p?.y ?? null,
      };
    });
    // Positions are the top-left corners of nodes of this size (ELK's convention, React Flow's too).
    return c.json({ nodes, edges: shape.edges, node: ASSET_NODE, layoutError: layout.error });
  });

  app.post('/assets/materialize', async (c) => {
    const body = await readJson(c, materializeBody);
    const run = await instance.materialize(body.selection, {
      partitionKey: body.partitionKey ?? null,
      tags: body.tags,
      origin: 'api',
    });
    return c.json({ run }, 201);
  });

  app.get('/assets/:key', async (c) => {
    const key = param(c, 'key', 300);
    const q = readQuery(
      c,
      z.object({
        limit: qInt(1, 500).optional(),
        beforeId: qInt(1, Number.MAX_SAFE_INTEGER).optional(),
        partition: shortText(300).optional(),
      }),
    );
    const asset = defs.assets.get(key);
    if (!asset) throw new HttpError(404, `Unknown asset '${key}'. List assets with GET /api/assets.`);
    const storage = instance.storage;
    const [{ latest, status }, history] = await Promise.all([
      assetStatuses(instance),
      storage.events.listMaterializations(key, {
        limit: q.limit ?? 100,
        beforeId: q.beforeId,
        partitionKey: q.partition,
      }),
    ]);
    let partitions: {
      partitionKey: string;
      status: 'MATERIALIZED' | 'MISSING';
      lastMaterializedAt: number | null;
      runId: string | null;
    }[] = [];
    if (asset.partitions) {
      const [keys, byPartition] = await Promise.all([
        storage.partitions.listPartitions(asset.partitions.name),
        storage.events.latestByPartition(key),
      ]);
      const all = new Set([...keys, ...byPartition.keys()]);
      partitions = [...all].sort().map((p) => {
        const m = byPartition.get(p);
        return {
          partitionKey: p,
          status: m ? 'MATERIALIZED' : 'MISSING',
          lastMaterializedAt: m?.timestamp ?? null,
          runId: m?.runId ?? null,
        };
      });
    }
    return c.json({
      asset: assetSummary(asset, latest.get(key), status.get(key)!),
      upstream: asset.deps,
      downstream: defs.assetGraph.downstream.get(key) ?? [],
      materializations: history,
      nextBeforeId: history.length === (q.limit ?? 100) ? history[history.length - 1]!.id : null,
      partitions,
    });
  });

  return app;
}
