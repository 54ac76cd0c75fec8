import type { Run, RunEvent } from '@llm-rag-yt/orchestrator';

export type StepStatus = 'RUNNING' | 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'RETRYING' | 'CANCELED';

export interface StepSummary {
  stepKey: string;
  status: StepStatus;
  startedAt: number | null;
  endedAt: number | null;
  attempts: number;
  materializations: number;
}

/** Folds a run's step events into one row per step for the Gantt timeline. Pure. */
export function summarizeSteps(events: readonly RunEvent[], run: Run): StepSummary[] {
  const steps = new Map<string, StepSummary>();
  const get = (key: string): StepSummary => {
    let s = steps.get(key);
    if (!s) {
      s = {
        stepKey: key,
        status: 'RUNNING',
        startedAt: null,
        endedAt: null,
        attempts: 0,
        materializations: 0,
      };
      steps.set(key, s);
    }
    return s;
  };
  for (const e of events) {
    if (!e.stepKey) continue;
    const s = get(e.stepKey);
    switch (e.type) {
      case 'STEP_START':
        s.startedAt ??= e.timestamp;
        s.attempts += 1;
        s.status = 'RUNNING';
        s.endedAt = null;
        break;
      case 'STEP_SUCCESS':
        s.status = 'SUCCESS';
        s.endedAt = e.timestamp;
        break;
      case 'STEP_FAILURE':
        s.status = 'FAILURE';
        s.endedAt = e.timestamp;
        break;
      case 'STEP_RETRY':
        s.status = 'RETRYING';
        break;
      case 'STEP_SKIPPED':
        s.status = 'SKIPPED';
        s.startedAt ??= e.timestamp;
        s.endedAt = e.timestamp;
        break;
      case 'ASSET_MATERIALIZATION':
        s.materializations += 1;
        break;
      default:
        break;
    }
  }
  // A step still "running" in a finished run was interrupted.
  if (run.endedAt !== null) {
    for (const s of steps.values()) {
      if (s.status === 'RUNNING' || s.status === 'RETRYING') {
        s.status = run.status === 'CANCELED' ? 'CANCELED' : 'FAILURE';
        s.endedAt = run.endedAt;
      }
    }
  }
  return [...steps.values()].sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity));
}
