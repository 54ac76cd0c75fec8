/**
 * The spawn helper every CLI-tool adapter uses (kills the process group on abort/timeout).
 * Re-exported from the orchestrator so adapters have one import site.
 * @internal
 */

export type { ProcessResult, RunProcessOptions } from '@llm-rag-yt/orchestrator/execution/process.ts';
export { ProcessError, runProcess } from '@llm-rag-yt/orchestrator/execution/process.ts';
