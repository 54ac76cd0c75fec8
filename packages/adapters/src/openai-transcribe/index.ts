export { parseRetryAfter, TranscriptionServiceError } from './http-errors.ts';
export { OpenAiTranscriber, type OpenAiTranscriberConfig } from './openai-transcriber.ts';
