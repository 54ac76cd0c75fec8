import type { ScheduleView, SensorView, Tick, TickStatus } from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { param, qInt, qList, readQuery } from '../validation.ts';

const TICK_STATUSES = ['STARTED', 'SUCCESS', 'SKIPPED', 'FAILURE'] as const satisfies readonly TickStatus[];
const ticksQuery = z.object({ limit: qInt(1, 500).optional(), status: qList(TICK_STATUSES).optional() });

function sensorJson(v: SensorView) {
  const d = v.definition;
  return {
    name: d.name,
    kind: 'sensor' as const,
    jobName: d.jobName,
    description: d.description,
    minimumIntervalSeconds: d.minimumIntervalSeconds,
    defaultStatus: d.defaultStatus,
    status: v.status,
    cursor: v.state?.cursor ?? null,
    lastTickAt: v.state?.lastTickAt ?? null,
    nextTickAt: v.nextTickAt,
  };
}

function scheduleJson(v: ScheduleView) {
  const d = v.definition;
  return {
    name: d.name,
    kind: 'schedule' as const,
    jobName: d.jobName,
    description: d.description,
    cron: d.cron,
    timezone: d.timezone,
    defaultStatus: d.defaultStatus,
    status: v.status,
    lastTickAt: v.state?.lastTickAt ?? null,
    nextTickAt: v.nextTickAt,
  };
}

/** Sensors and schedules share one shape of routes; `kind` picks the instance methods. */
export function instigatorRoutes(opts: AppOptions, kind: 'sensor' | 'schedule'): Hono {
  const { instance } = opts;
  const defs = instance.definitions;
  const app = new Hono();
  const known = kind === 'sensor' ? defs.sensors : defs.schedules;
  const nameOr404 = (name: string) => {
    if (!known.has(name)) {
      throw new HttpError(
        404,
        `Unknown ${kind} '${name}'. Known ${kind}s: ${[...known.keys()].join(', ') || '(none)'}.`,
      );
    }
    return name;
  };
  const list = async () =>
    kind === 'sensor'
      ? (await instance.listSensors()).map(sensorJson)
      : (await instance.listSchedules()).map(scheduleJson);
  const setStatus = async (name: string, status: 'RUNNING' | 'STOPPED') =>
    kind === 'sensor'
      ? sensorJson(await instance.setSensorStatus(name, status))
      : scheduleJson(await instance.setScheduleStatus(name, status));

  app.get('/', async (c) => c.json({ [`${kind}s`]: await list() }));

  app.get('/:name', async (c) => {
    const name = nameOr404(param(c, 'name'));
    const item = (await list()).find((x) => x.name === name)!;
    return c.json({ [kind]: item });
  });

  app.post('/:name/start', async (c) =>
    c.json({ [kind]: await setStatus(nameOr404(param(c, 'name')), 'RUNNING') }),
  );
  app.post('/:name/stop', async (c) =>
    c.json({ [kind]: await setStatus(nameOr404(param(c, 'name')), 'STOPPED') }),
  );

  app.get('/:name/ticks', async (c) => {
    const name = nameOr404(param(c, 'name'));
    const q = readQuery(c, ticksQuery);
    const ticks: Tick[] = await instance.storage.instigators.listTicks(name, {
      limit: q.limit ?? 50,
      statuses: q.status?.length ? q.status : undefined,
    });
    return c.json({ ticks });
  });

  app.post('/:name/evaluate', async (c) => {
    const name = nameOr404(param(c, 'name'));
    if (kind === 'sensor') return c.json({ tick: await instance.tickSensor(name) });
    // A schedule "evaluated now" launches its job once with the schedule's config, like a manual tick.
    const s = defs.getSchedule(name);
    const run = await instance.submitRun({
      jobName: s.jobName,
      runConfig: s.runConfig,
      tags: { ...s.tags, schedule: s.name, manual: 'true' },
      origin: `schedule:${s.name}`,
    });
    return c.json({ run }, 201);
  });

  return app;
}
