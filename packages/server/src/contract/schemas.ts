import { z } from 'zod';

/*
 * The shapes the API answers with, as zod schemas. The OpenAPI document's components are generated
 * from these (contract/document.ts), the web UI's types are generated from that document
 * (packages/web/src/api-types.ts), and with `contractCheck` on (the tests) every JSON response is
 * validated against its operation's schema — so the description cannot drift from what is served.
 * Each named schema is registered in `schemas` under its component name.
 */

export const schemas = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  schemas.add(schema, description ? { id, description } : { id });
  return schema;
}

const ms = z.number().describe('epoch milliseconds');
const nullableMs = ms.nullable();
const record = z.record(z.string(), z.unknown());
const tags = z.record(z.string(), z.string());

// — Orchestrator —

export const SerializedError = named(
  'SerializedError',
  z.object({
    message: z.string(),
    className: z.string(),
    stack: z.string().optional(),
    code: z.string().optional(),
    get cause() {
      return SerializedError.optional();
    },
  }),
);

export const RunStatus = named(
  'RunStatus',
  z.enum(['NOT_STARTED', 'QUEUED', 'STARTING', 'STARTED', 'CANCELING', 'SUCCESS', 'FAILURE', 'CANCELED']),
);

export const Run = named(
  'Run',
  z.object({
    runId: z.string(),
    jobName: z.string(),
    status: RunStatus,
    runConfig: record,
    tags,
    priority: z.number(),
    runKey: z.string().nullable(),
    partitionKey: z.string().nullable(),
    stepSelection: z.array(z.string()).nullable(),
    parentRunId: z.string().nullable(),
    rootRunId: z.string().nullable(),
    origin: z.string().nullable(),
    workerId: z.string().nullable(),
    attempt: z.number().int(),
    createdAt: ms,
    updatedAt: ms,
    startedAt: nullableMs,
    endedAt: nullableMs,
    error: SerializedError.nullable(),
  }),
);

export const RunEvent = named(
  'RunEvent',
  z.object({
    id: z.number().int(),
    runId: z.string(),
    timestamp: ms,
    type: z.string(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    stepKey: z.string().nullable(),
    message: z.string(),
    data: record.nullable(),
  }),
);

export const StepSummary = named(
  'StepSummary',
  z.object({
    stepKey: z.string(),
    status: z.enum(['RUNNING', 'SUCCESS', 'FAILURE', 'SKIPPED', 'RETRYING', 'CANCELED']),
    startedAt: nullableMs,
    endedAt: nullableMs,
    attempts: z.number().int(),
    materializations: z.number().int(),
  }),
);

export const MetadataValue = named(
  'MetadataValue',
  z.object({ type: z.string().describe('int, float, text, bool, json, url, path, …'), value: z.unknown() }),
);
const metadata = z.record(z.string(), MetadataValue);

export const AssetMaterialization = named(
  'AssetMaterialization',
  z.object({
    id: z.number().int(),
    assetKey: z.string(),
    partitionKey: z.string().nullable(),
    runId: z.string(),
    timestamp: ms,
    metadata,
  }),
);

export const AssetStatus = named('AssetStatus', z.enum(['MATERIALIZED', 'FAILED', 'RUNNING', 'NEVER']));

export const AssetSummary = named(
  'AssetSummary',
  z.object({
    key: z.string(),
    group: z.string(),
    deps: z.array(z.string()),
    description: z.string().nullable().optional(),
    partitions: z.object({ name: z.string() }).loose().nullable(),
    metadata: record.optional().describe('definition metadata'),
    tags: tags.optional(),
    status: AssetStatus,
    latestMaterialization: AssetMaterialization.nullable(),
  }),
);

export const Tick = named(
  'Tick',
  z.object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(['sensor', 'schedule']),
    status: z.enum(['STARTED', 'SUCCESS', 'SKIPPED', 'FAILURE']),
    timestamp: ms,
    durationMs: z.number().nullable(),
    runIds: z.array(z.string()),
    runKeys: z.array(z.string()),
    skipReason: z.string().nullable(),
    cursor: z.string().nullable(),
    error: SerializedError.nullable(),
  }),
);

const instigatorStatus = z.enum(['RUNNING', 'STOPPED']);

export const Sensor = named(
  'Sensor',
  z.object({
    name: z.string(),
    kind: z.literal('sensor'),
    jobName: z.string(),
    description: z.string().nullable().optional(),
    minimumIntervalSeconds: z.number(),
    defaultStatus: instigatorStatus,
    status: instigatorStatus,
    cursor: z.string().nullable(),
    lastTickAt: nullableMs,
    nextTickAt: nullableMs,
  }),
);

export const Schedule = named(
  'Schedule',
  z.object({
    name: z.string(),
    kind: z.literal('schedule'),
    jobName: z.string(),
    description: z.string().nullable().optional(),
    cron: z.string(),
    timezone: z.string(),
    defaultStatus: instigatorStatus,
    status: instigatorStatus,
    lastTickAt: nullableMs,
    nextTickAt: nullableMs,
  }),
);

export const Job = named(
  'Job',
  z.object({
    name: z.string(),
    description: z.string().nullable().optional(),
    selection: z.unknown(),
    tags: tags.optional(),
    priority: z.number().optional(),
    steps: z.array(
      z.object({ key: z.string(), kind: z.string(), deps: z.array(z.string()), hasConfig: z.boolean() }),
    ),
    sensors: z.array(z.string()),
    schedules: z.array(z.string()),
  }),
);

export const ConfigIssue = named('ConfigIssue', z.object({ path: z.string(), message: z.string() }));

export const Heartbeat = named(
  'Heartbeat',
  z.object({
    daemonId: z.string(),
    daemonType: z.string(),
    timestamp: ms,
    info: record,
    ageMs: z.number(),
    fresh: z.boolean(),
  }),
);

export const MetricsSnapshot = named('MetricsSnapshot', z.object({ timestamp: ms, data: record }));

// — RAG —

export const YoutubeRequest = named(
  'YoutubeRequest',
  z.object({
    id: z.number().int(),
    url: z.string(),
    videoId: z.string().nullable(),
    userId: z.number().nullable(),
    chatId: z.number().nullable(),
    status: z.enum(['pending', 'processing', 'completed', 'failed']),
    stage: z.enum(['validating', 'downloading', 'transcribing', 'processing', 'embedding', 'done', 'failed']),
    error: z.string().nullable(),
    errorPermanent: z.boolean(),
    language: z.string(),
    force: z.boolean(),
    attempts: z.number().int(),
    runId: z.string().nullable(),
    source: z.string(),
    createdAt: ms,
    updatedAt: ms,
    timings: z.record(z.string(), z.number()),
  }),
);

export const Video = named(
  'Video',
  z.object({
    videoId: z.string(),
    source: z.string(),
    url: z.string(),
    title: z.string(),
    channel: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    uploadDate: z.string().nullable(),
    description: z.string().nullable().optional(),
    language: z.string().nullable(),
    transcriptSource: z.string().nullable(),
    status: z.enum(['downloaded', 'transcribed', 'indexed', 'failed']),
    chunkCount: z.number().int(),
    embeddingModel: z.string().nullable(),
    createdAt: ms,
    updatedAt: ms,
  }),
);

export const Segment = named('Segment', z.object({ start: z.number(), end: z.number(), text: z.string() }));

export const Chapter = named('Chapter', z.object({ start: z.number(), title: z.string() }).loose());

export const KeyPoint = named(
  'KeyPoint',
  z.object({
    text: z.string(),
    start: z.number().describe('seconds from the start of the video'),
    url: z.string().describe('deep link to that moment'),
  }),
);

export const VideoSummary = named(
  'VideoSummary',
  z.object({
    videoId: z.string(),
    mode: z.string().describe("'llm:<model>' or 'extractive'"),
    label: z.string().describe('how it was made, shown with it (an extractive summary says so)'),
    summary: z.string(),
    keyPoints: z.array(KeyPoint),
    chapters: z.array(z.object({ title: z.string(), start: z.number(), summary: z.string() })),
    transcriptHash: z.string(),
    createdAt: ms,
    updatedAt: ms,
  }),
);

export const Citation = named(
  'Citation',
  z.object({
    videoId: z.string(),
    title: z.string(),
    channel: z.string().nullable(),
    start: z.number(),
    end: z.number(),
    url: z.string().describe('deep link to the second, e.g. https://youtu.be/ID?t=75'),
    snippet: z.string(),
    score: z.number(),
    chunkId: z.number().int(),
    chapter: z.string().nullable().optional(),
    evidence: z
      .object({ start: z.number(), end: z.number(), text: z.string() })
      .optional()
      .describe('the matched sentences, what start/end and url point at'),
    context: z.object({ start: z.number(), end: z.number() }).optional().describe('the whole passage found'),
    relevance: z.number().optional().describe('0..1: how much of the question the evidence covers'),
  }),
);

export const AskResult = named(
  'AskResult',
  z.object({
    question: z.string(),
    answer: z.string(),
    mode: z.string().describe("'llm:<model>' or 'extractive'"),
    retrieval: z.enum(['hybrid', 'lexical']),
    citations: z.array(Citation),
    latencyMs: z.number(),
    queryId: z.number().int(),
  }),
);

export const Alert = named(
  'Alert',
  z.object({
    id: z.number().int(),
    type: z.string(),
    severity: z.enum(['info', 'warning', 'error', 'critical']),
    title: z.string(),
    message: z.string(),
    details: record,
    fingerprint: z.string(),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    createdAt: ms,
    updatedAt: ms,
    resolvedAt: nullableMs,
    acknowledgedAt: nullableMs,
    acknowledgedBy: z.string().nullable(),
  }),
);

export const SubmitResult = named(
  'SubmitResult',
  z.object({
    requests: z.array(YoutubeRequest),
    rejected: z.array(z.object({ url: z.string(), reason: z.string() })),
    alreadyIndexed: z.array(z.string()).optional(),
    created: z.number().int().optional(),
  }),
);

export const Stats = named(
  'Stats',
  z.object({
    videos: z.number().int(),
    chunks: z.number().int(),
    requests: z.record(z.string(), z.number()),
    queuedRuns: z.number().int(),
    embedder: z.string().nullable(),
  }),
);

export const SubscriptionFilters = named(
  'SubscriptionFilters',
  z.object({
    include: z.string().optional().describe('case-insensitive regex the title must match'),
    exclude: z.string().optional().describe('case-insensitive regex the title must not match'),
    minDurationSeconds: z.number().optional(),
    maxDurationSeconds: z.number().optional(),
    noShorts: z.boolean().optional(),
    noLive: z.boolean().optional(),
  }),
);

const entryStatus = z.enum(['backlog', 'queued', 'skipped', 'seen', 'indexed', 'failed']);

export const Subscription = named(
  'Subscription',
  z.object({
    id: z.number().int(),
    url: z.string(),
    kind: z.enum(['channel', 'playlist', 'feed']),
    feedUrl: z.string().describe('what a check fetches'),
    title: z.string().nullable(),
    status: z.enum(['active', 'paused']),
    filters: SubscriptionFilters,
    backfill: z.number().int(),
    userId: z.number().nullable(),
    chatId: z.number().nullable(),
    notify: z.enum(['instant', 'digest', 'off']),
    initialized: z.boolean(),
    etag: z.string().nullable(),
    lastModified: z.string().nullable(),
    lastCheckedAt: nullableMs,
    nextCheckAt: ms,
    lastError: z.string().nullable().describe('why the last check failed; cleared by a good one'),
    errorCount: z.number().int(),
    notice: z.string().nullable(),
    videosFound: z.number().int().describe('entries queued for indexing so far'),
    lastFound: z.number().int().describe('entries queued by the last check'),
    checkCount: z.number().int(),
    digestSentAt: nullableMs,
    createdAt: ms,
    updatedAt: ms,
    entries: z.record(entryStatus, z.number().int()).describe('entries by status'),
  }),
);

export const SubscriptionEntry = named(
  'SubscriptionEntry',
  z.object({
    subscriptionId: z.number().int(),
    entryKey: z.string(),
    url: z.string(),
    title: z.string().nullable(),
    publishedAt: nullableMs,
    durationSeconds: z.number().nullable(),
    status: entryStatus,
    reason: z.string().nullable().describe('why it was skipped or failed'),
    priority: z.number(),
    requestId: z.number().int().nullable(),
    videoId: z.string().nullable(),
    indexedAt: nullableMs,
    notifiedAt: nullableMs,
    createdAt: ms,
  }),
);

export const ErrorBody = named(
  'Error',
  z.object({
    error: z.object({
      status: z.number().int(),
      message: z.string().describe('what was wrong and what to do'),
      issues: z.array(ConfigIssue).optional(),
    }),
  }),
);
