import {
  type EventType,
  type LogLevel,
  RUN_STATUSES,
  type RunEvent,
  type RunStatus,
} from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { summarizeSteps } from '../step-summary.ts';
import type { AppOptions } from '../types.ts';
import { param, qInt, qList, readJson, readQuery, shortText } from '../validation.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const EVENT_TYPES = [
  'RUN_ENQUEUED',
  'RUN_STARTING',
  'RUN_START',
  'RUN_SUCCESS',
  'RUN_FAILURE',
  'RUN_CANCELING',
  'RUN_CANCELED',
  'STEP_START',
  'STEP_SUCCESS',
  'STEP_FAILURE',
  'STEP_RETRY',
  'STEP_SKIPPED',
  'ASSET_MATERIALIZATION',
  'LOG',
] as const satisfies readonly EventType[];

const listQuery = z.object({
  status: qList(RUN_STATUSES as unknown as readonly [RunStatus, ...RunStatus[]]).optional(),
  job: shortText().optional(),
  /** `key:value`, repeated via comma: `source:api,video:abc`. */
  tag: shortText(500).optional(),
  cursor: shortText(100).optional(),
  limit: qInt(1, 500).optional(),
  since: qInt(0, Number.MAX_SAFE_INTEGER).optional(),
});

const eventsQuery = z.object({
  afterId: qInt(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: qInt(1, 5000).optional(),
  level: qList(LEVELS).optional(),
  type: qList(EVENT_TYPES).optional(),
  step: shortText().optional(),
  search: shortText(200).optional(),
});

export const reexecuteBody = z.object({ fromFailure: z.boolean().optional() }).strict();

export function parseTags(spec: string | undefined): Record<string, string> | undefined {
  if (!spec) return undefined;
  const tags: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const i = part.indexOf(':');
    if (i <= 0) throw new HttpError(400, `Invalid tag filter '${part}': use key:value, e.g. tag=source:api.`);
    tags[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return tags;
}

export function runRoutes(opts: AppOptions): Hono {
  const { instance } = opts;
  const storage = instance.storage;
  const app = new Hono();

  app.get('/', async (c) => {
    const q = readQuery(c, listQuery);
    const limit = q.limit ?? 50;
    if (q.cursor && !(await storage.runs.getRun(q.cursor))) {
      throw new HttpError(400, `Unknown cursor '${q.cursor}': pass the nextCursor of the previous page.`);
    }
    const runs = await storage.runs.listRuns({
      statuses: q.status?.length ? q.status : undefined,
      jobName: q.job,
      tags: parseTags(q.tag),
      beforeRunId: q.cursor,
      createdAfter: q.since,
      limit: limit + 1,
    });
    const page = runs.slice(0, limit);
    return c.json({ runs: page, nextCursor: runs.length > limit ? page[page.length - 1]!.runId : null });
  });

  app.get('/counts', async (c) => {
    const q = readQuery(c, z.object({ since: qInt(0, Number.MAX_SAFE_INTEGER).optional() }));
    return c.json({ since: q.since ?? null, counts: await storage.runs.countRunsByStatus(q.since) });
  });

  app.get('/jobs', async (c) => c.json({ jobNames: await storage.runs.listJobNames() }));

  app.get('/:runId', async (c) => {
    const run = await getRunOr404(c, 'runId');
    const [eventCount, stepEvents] = await Promise.all([
      storage.events.countEvents(run.runId),
      storage.events.listEvents(run.runId, {
        types: [
          'STEP_START',
          'STEP_SUCCESS',
          'STEP_FAILURE',
          'STEP_RETRY',
          'STEP_SKIPPED',
          'ASSET_MATERIALIZATION',
        ],
        limit: 10_000,
      }),
    ]);
    return c.json({ run, eventCount, steps: summarizeSteps(stepEvents, run) });
  });

  app.get('/:runId/events', async (c) => {
    const run = await getRunOr404(c, 'runId');
    const q = readQuery(c, eventsQuery);
    const limit = q.limit ?? 1000;
    const events: RunEvent[] = await storage.events.listEvents(run.runId, {
      afterId: q.afterId,
      limit: limit + 1,
      levels: q.level?.length ? (q.level as LogLevel[]) : undefined,
      types: q.type?.length ? q.type : undefined,
      stepKey: q.step,
      search: q.search || undefined,
    });
    const page = events.slice(0, limit);
    return c.json({ events: page, nextAfterId: events.length > limit ? page[page.length - 1]!.id : null });
  });

  app.post('/:runId/cancel', async (c) => {
    const run = await getRunOr404(c, 'runId');
    return c.json({ run: await instance.cancelRun(run.runId) });
  });

  app.post('/:runId/reexecute', async (c) => {
    const run = await getRunOr404(c, 'runId');
    const body = await readJson(c, reexecuteBody);
    if (run.status !== 'SUCCESS' && run.status !== 'FAILURE' && run.status !== 'CANCELED') {
      throw new HttpError(409, `Run ${run.runId} is ${run.status}; only finished runs can be re-executed.`);
    }
    return c.json(
      { run: await instance.reexecuteRun(run.runId, { fromFailure: body.fromFailure ?? true }) },
      201,
    );
  });

  async function getRunOr404(c: Parameters<typeof param>[0], name: string) {
    const runId = param(c, name, 100);
    const run = await storage.runs.getRun(runId);
    if (!run) throw new HttpError(404, `Unknown run '${runId}'. List runs with GET /api/runs.`);
    return run;
  }

  return app;
}
