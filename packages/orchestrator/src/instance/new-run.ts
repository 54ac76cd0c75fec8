import { ASSET_JOB_NAME, type Definitions } from '../definitions/definitions.ts';
import { planForRun } from '../execution/plan.ts';
import { validateRunConfig } from '../runs/run-config.ts';
import type { NewRun } from '../runs/types.ts';
import type { SubmitRunInput } from './types.ts';

/**
 * Turns a run request (from the app, a sensor or a schedule) into a storable NewRun: checks the job
 * and step names, validates run config against the steps' schemas (InvalidConfigError names the bad
 * path), and merges tags and priority — job tags first, so request tags override them, and tag
 * concurrency limits (e.g. `asr`) see the job's tags on every run.
 */
export function prepareNewRun(definitions: Definitions, input: SubmitRunInput): NewRun {
  const isAssetRun = input.jobName === ASSET_JOB_NAME;
  const job = isAssetRun ? null : definitions.getJob(input.jobName);
  const stepSelection = input.stepSelection ? [...input.stepSelection] : null;
  const plan = planForRun(definitions, { jobName: input.jobName, stepSelection });
  validateRunConfig(definitions, isAssetRun || stepSelection ? plan : input.jobName, input.runConfig);
  const stepTags: Record<string, string> = {};
  // Asset runs carry their assets' tags so a limit like `asr: 1` also covers `materialize-asset`.
  if (isAssetRun) for (const s of plan) Object.assign(stepTags, s.step.tags);
  return {
    jobName: input.jobName,
    runConfig: input.runConfig ?? {},
    tags: { ...stepTags, ...(job?.tags ?? {}), ...(input.tags ?? {}) },
    priority: input.priority ?? job?.priority ?? 0,
    runKey: input.runKey ?? null,
    partitionKey: input.partitionKey ?? null,
    stepSelection,
    origin: input.origin ?? null,
  };
}
