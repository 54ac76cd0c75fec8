export {
  DEFAULT_WHISPER_MODEL_BASE_URL,
  ensureWhisperModel,
  WHISPER_MODELS,
  type WhisperModelSource,
  whisperModelLocation,
} from './model-file.ts';
export { type WhisperCppConfig, WhisperCppTranscriber } from './whisper-cpp-transcriber.ts';
