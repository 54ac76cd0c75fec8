import { ASSET_JOB_NAME, type Definitions, type PlannedStep } from '../definitions/definitions.ts';
import type { StepDefinition } from '../definitions/types.ts';
import { InvalidConfigError, UnknownNameError } from '../errors.ts';
import { resolveSelection } from '../graph/selection.ts';
import type { Run } from '../runs/types.ts';

/**
 * The steps a run executes, in dependency order.
 * - Ad-hoc asset runs (`jobName === ASSET_JOB_NAME`): the assets named by `stepSelection` (plain keys or
 *   selection syntax such as `+key`), with dependencies restricted to the selection.
 * - Job runs: the job's plan, optionally restricted to `stepSelection` (re-execution). Dependencies on steps
 *   outside the selection are dropped: those upstream steps count as done and provide no input.
 * Throws UnknownNameError for unknown jobs/steps (naming the closest real one).
 */
export function planForRun(
  definitions: Definitions,
  run: Pick<Run, 'jobName' | 'stepSelection'>,
): readonly PlannedStep[] {
  if (run.jobName === ASSET_JOB_NAME) {
    if (!run.stepSelection?.length) {
      throw new InvalidConfigError(`ad-hoc asset run`, [
        { path: 'stepSelection', message: 'an asset run needs at least one asset key to materialize' },
      ]);
    }
    const keys = resolveSelection(definitions.assetGraph, run.stepSelection);
    return restrict(
      keys.map((key) => {
        const step: StepDefinition = definitions.getAsset(key);
        return { key, step, deps: step.deps };
      }),
      new Set(keys),
    );
  }
  const plan = definitions.planFor(run.jobName);
  if (!run.stepSelection) return plan;
  const known = plan.map((s) => s.key);
  for (const key of run.stepSelection) {
    if (!known.includes(key)) throw new UnknownNameError(`step of job '${run.jobName}'`, key, known);
  }
  const selected = new Set(run.stepSelection);
  return restrict(
    plan.filter((s) => selected.has(s.key)),
    selected,
  );
}

function restrict(steps: readonly PlannedStep[], keys: ReadonlySet<string>): readonly PlannedStep[] {
  return Object.freeze(
    steps.map((s) =>
      Object.freeze({ key: s.key, step: s.step, deps: Object.freeze(s.deps.filter((d) => keys.has(d))) }),
    ),
  );
}
