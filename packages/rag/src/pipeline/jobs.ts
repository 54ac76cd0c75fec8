import { defineJob } from '@llm-rag-yt/orchestrator';

/** Re-queues of a run whose worker died before it fails for good (4 attempts in all). */
export const LOST_WORKER_RUN_RETRIES = 3;

/**
 * URL → audio → transcription → embeddings, all in one run. The seed's diagram splits this at the
 * filesystem (the download's audio file wakes audio_file_sensor, which starts
 * audio_processing_job), but a user who sends one link expects it to become searchable, and one
 * run per video gives one place to see its progress, failure and retries. So this job selects
 * the whole chain; audio_processing_job remains for media that arrives without a URL.
 */
export const youtubeProcessingJob = defineJob({
  name: 'youtube_processing_job',
  description: 'Complete YouTube URL → audio/captions → transcription → embeddings pipeline.',
  selection: [
    'youtube_urls_to_process',
    'downloaded_audio_files',
    'unprocessed_audio_files',
    'transcribed_audio_files',
    'embedded_content',
    'video_summaries',
  ],
  tags: { pipeline: 'youtube' },
  timeoutSeconds: 4 * 3600,
  // A worker that died (crash, OOM kill, deploy) is not the user's failure: re-queue the run (with the
  // instance's backoff); only work that keeps killing its worker fails for good.
  runRetries: LOST_WORKER_RUN_RETRIES,
  maxConcurrentSteps: 1,
});

/** Audio file → transcription → embeddings (media dropped into the audio folder, imports). */
export const audioProcessingJob = defineJob({
  name: 'audio_processing_job',
  description: 'Audio file → transcription → embeddings.',
  selection: ['unprocessed_audio_files', 'transcribed_audio_files', 'embedded_content', 'video_summaries'],
  tags: { pipeline: 'audio' },
  timeoutSeconds: 4 * 3600,
  runRetries: LOST_WORKER_RUN_RETRIES,
  maxConcurrentSteps: 1,
});
