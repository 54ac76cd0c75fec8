export { FakeTranscriber, type FakeTranscriberConfig, wavDurationSeconds } from './fake-transcriber.ts';
