import type { RunConfig } from '@llm-rag-yt/orchestrator';
import {
  InvalidConfigError,
  parseRunConfig,
  RunConfigLimitError,
  validateRunConfig,
} from '@llm-rag-yt/orchestrator';
import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import type { AppOptions } from '../types.ts';
import { param, readJson, shortText } from '../validation.ts';

const configFields = {
  /** Run config as a JSON object… */
  runConfig: z.record(z.string(), z.unknown()).optional(),
  /** …or as YAML text (the Launchpad editor sends this). */
  runConfigYaml: z.string().max(200_000, 'must be at most 200000 characters').optional(),
};

export const launchBody = z
  .object({
    ...configFields,
    tags: z.record(shortText(100), shortText(500)).optional(),
    partitionKey: shortText(300).nullable().optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
  })
  .strict();

export const validateBody = z.object(configFields).strict();

function configOf(body: { runConfig?: Record<string, unknown>; runConfigYaml?: string }): RunConfig {
  if (body.runConfig && body.runConfigYaml !== undefined) {
    throw new HttpError(400, "Send either 'runConfig' (JSON) or 'runConfigYaml' (text), not both.");
  }
  if (body.runConfigYaml !== undefined) return parseRunConfig(body.runConfigYaml, 'launchpad');
  return (body.runConfig ?? {}) as RunConfig;
}

export function jobRoutes(opts: AppOptions): Hono {
  const { instance } = opts;
  const defs = instance.definitions;
  const app = new Hono();

  const jobOr404 = (name: string) => {
    if (!defs.jobs.has(name)) {
      throw new HttpError(
        404,
        `Unknown job '${name}'. Jobs: ${[...defs.jobs.keys()].join(', ') || '(none)'}.`,
      );
    }
    return defs.getJob(name);
  };

  app.get('/', (c) =>
    c.json({
      jobs: [...defs.jobs.values()].map((j) => ({
        name: j.name,
        description: j.description,
        selection: j.selection,
        tags: j.tags,
        priority: j.priority,
        steps: defs.planFor(j.name).map((s) => ({
          key: s.key,
          kind: s.step.kind,
          deps: s.deps,
          hasConfig: s.step.configSchema !== null,
        })),
        sensors: [...defs.sensors.values()].filter((s) => s.jobName === j.name).map((s) => s.name),
        schedules: [...defs.schedules.values()].filter((s) => s.jobName === j.name).map((s) => s.name),
      })),
    }),
  );

  app.post('/:name/validate', async (c) => {
    const job = jobOr404(param(c, 'name'));
    const body = await readJson(c, validateBody);
    try {
      validateRunConfig(defs, job.name, configOf(body));
      return c.json({ valid: true, issues: [] });
    } catch (e) {
      // Oversized or pathological input is refused (400), not reported as a config to fix.
      if (e instanceof InvalidConfigError && !(e instanceof RunConfigLimitError))
        return c.json({ valid: false, issues: e.issues, message: e.message });
      throw e;
    }
  });

  app.post('/:name/launch', async (c) => {
    const job = jobOr404(param(c, 'name'));
    const body = await readJson(c, launchBody);
    const run = await instance.submitRun({
      jobName: job.name,
      runConfig: configOf(body),
      tags: body.tags,
      partitionKey: body.partitionKey ?? null,
      priority: body.priority,
      origin: 'api',
    });
    return c.json({ run }, 201);
  });

  return app;
}
