import type {
  AssetDefinition,
  JobDefinition,
  ScheduleDefinition,
  SensorDefinition,
} from '@llm-rag-yt/orchestrator';
import { downloadedAudioFiles } from './assets/downloaded-audio-files.ts';
import { embeddedContent } from './assets/embedded-content.ts';
import { transcribedAudioFiles } from './assets/transcribed-audio-files.ts';
import { unprocessedAudioFiles } from './assets/unprocessed-audio-files.ts';
import { videoSummaries } from './assets/video-summaries.ts';
import { youtubeUrlsToProcess } from './assets/youtube-urls-to-process.ts';
import { audioProcessingJob, youtubeProcessingJob } from './jobs.ts';
import { reconcileRequestsJob } from './reconcile.ts';
import { embeddingBackfillSensor, reembeddedContent, reembedJob } from './reembed.ts';
import type { RagResources } from './resources.ts';
import { audioFileSensor } from './sensors/audio-file-sensor.ts';
import { youtubeUrlSensor } from './sensors/youtube-url-sensor.ts';
import {
  subscriptionCheckJob,
  subscriptionNotifyJob,
  subscriptionNotifySensor,
  subscriptionSensor,
} from './subscription-definitions.ts';

export type { RagResources, RagSettings } from './resources.ts';

/** Plain lists of definitions, ready for `new Definitions({ ...defs, resources })`. */
export interface RagDefinitionSet {
  readonly assets: readonly AssetDefinition[];
  readonly jobs: readonly JobDefinition[];
  readonly sensors: readonly SensorDefinition[];
  readonly schedules: readonly ScheduleDefinition[];
}

/**
 * The seed's ingestion and processing definitions (plus any extra sets, e.g. monitoring).
 *
 * @example
 * const defs = createRagDefinitions(resources, [createMonitoringDefinitions(monitoringResources)]);
 * const definitions = new Definitions({ ...defs, resources });
 */
export function createRagDefinitions(
  resources: RagResources,
  extra: readonly Partial<RagDefinitionSet>[] = [],
): RagDefinitionSet {
  const base: RagDefinitionSet = {
    assets: [
      youtubeUrlsToProcess(resources),
      downloadedAudioFiles(resources),
      unprocessedAudioFiles(resources),
      transcribedAudioFiles(resources),
      embeddedContent(resources),
      videoSummaries(resources),
      reembeddedContent,
    ],
    jobs: [
      youtubeProcessingJob,
      audioProcessingJob,
      reembedJob,
      reconcileRequestsJob,
      subscriptionCheckJob,
      subscriptionNotifyJob,
    ],
    sensors: [
      youtubeUrlSensor,
      audioFileSensor,
      embeddingBackfillSensor,
      subscriptionSensor(resources),
      subscriptionNotifySensor,
    ],
    schedules: [],
  };
  return Object.freeze({
    assets: [...base.assets, ...extra.flatMap((e) => e.assets ?? [])],
    jobs: [...base.jobs, ...extra.flatMap((e) => e.jobs ?? [])],
    sensors: [...base.sensors, ...extra.flatMap((e) => e.sensors ?? [])],
    schedules: [...base.schedules, ...extra.flatMap((e) => e.schedules ?? [])],
  });
}
