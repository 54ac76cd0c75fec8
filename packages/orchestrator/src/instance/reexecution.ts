import type { Definitions } from '../definitions/definitions.ts';
import { OrchestratorError } from '../errors.ts';
import { planForRun } from '../execution/plan.ts';
import { isTerminal } from '../runs/status-machine.ts';
import type { Run } from '../runs/types.ts';
import type { Storage } from '../storage/types.ts';
import type { SubmitRunInput } from './types.ts';

/**
 * The submit input for re-executing `parent`. With `fromFailure`, only the steps that did not
 * succeed in the parent (failed, skipped, or never started because of a cancel) run again — read
 * from the parent's STEP_SUCCESS events — which includes everything downstream of the failure.
 */
export async function reexecutionInput(
  storage: Storage,
  definitions: Definitions,
  parent: Run,
  fromFailure: boolean,
): Promise<SubmitRunInput & { parentRunId: string; rootRunId: string }> {
  if (!isTerminal(parent.status)) {
    throw new OrchestratorError(
      'INVALID_TRANSITION',
      `Run ${parent.runId} is ${parent.status}; only finished runs can be re-executed. Wait for it or cancel it first.`,
    );
  }
  let stepSelection = parent.stepSelection;
  if (fromFailure) {
    if (parent.status === 'SUCCESS') {
      throw new OrchestratorError(
        'INVALID_TRANSITION',
        `Run ${parent.runId} succeeded; there is no failure to re-execute from. Re-execute it in full instead.`,
      );
    }
    const plan = planForRun(definitions, parent);
    const succeeded = new Set(
      (await storage.events.listEvents(parent.runId, { types: ['STEP_SUCCESS'], limit: 100_000 })).map(
        (e) => e.stepKey,
      ),
    );
    const remaining = plan.map((s) => s.key).filter((k) => !succeeded.has(k));
    if (remaining.length === 0) {
      throw new OrchestratorError(
        'INVALID_TRANSITION',
        `Every step of run ${parent.runId} succeeded; nothing to re-execute from failure.`,
      );
    }
    stepSelection = remaining;
  }
  return {
    jobName: parent.jobName,
    runConfig: parent.runConfig,
    tags: { ...parent.tags, 'orchestrator/parent_run_id': parent.runId },
    priority: parent.priority,
    partitionKey: parent.partitionKey,
    stepSelection,
    origin: fromFailure ? 're-execution:from-failure' : 're-execution',
    parentRunId: parent.runId,
    rootRunId: parent.rootRunId ?? parent.runId,
  };
}
