/**
 * The spawn helper every CLI-tool adapter uses (kills the process group on abort/timeout).
 * Re-exported from the orchestrator so adapters have one import site.
 * @internal
 */
export {
  ProcessError,
  type ProcessResult,
  type RunProcessOptions,
  runProcess,
} from '@llm-rag-yt/orchestrator';
