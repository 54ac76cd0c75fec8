import { z } from 'zod';
import * as S from './contract/schemas.ts';
import { materializeBody } from './routes/assets.ts';
import { launchBody, validateBody } from './routes/jobs.ts';
import { ackBody, askBody, feedbackBody, submitBody } from './routes/rag.ts';
import { reexecuteBody } from './routes/runs.ts';
import { subscribeBody, subscriptionPatchBody } from './routes/subscriptions.ts';

type Param = { name: string; in: 'path' | 'query'; description: string; schema?: object };
export interface Op {
  method: 'get' | 'post';
  path: string;
  tag: string;
  summary: string;
  params?: Param[];
  body?: z.ZodType;
  /** multipart upload instead of JSON */
  upload?: boolean;
  ok?: number;
  /** The JSON body of the success response; null only for streams (server-sent events). */
  response: z.ZodType | null;
  stream?: boolean;
}

const p = (name: string, description: string): Param => ({ name, in: 'path', description });
const q = (name: string, description: string, schema: object = { type: 'string' }): Param => ({
  name,
  in: 'query',
  description,
  schema,
});
const int = { type: 'integer', minimum: 0 };

const runBody = z.object({ run: S.Run });
const requestBody = z.object({ request: S.YoutubeRequest });
const okBody = z.object({ ok: z.literal(true) });
const subscriptionBody = z.object({ subscription: S.Subscription });

/**
 * Every /api operation with its request and response schemas. The contract test checks that every
 * route the app serves is here, and with `contractCheck` every JSON response is validated against
 * `response` — a route answering a shape not declared here fails the tests.
 */
export const OPERATIONS: readonly Op[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'system',
    summary: 'This document (public, so clients can discover how to authenticate)',
    response: z
      .object({
        openapi: z.string(),
        info: z.record(z.string(), z.unknown()),
        paths: z.record(z.string(), z.unknown()),
      })
      .loose(),
  },
  {
    method: 'get',
    path: '/api/auth/check',
    tag: 'system',
    summary: 'Whether the given token (if any) is accepted, and whether tokens are required',
    response: z.object({ ok: z.literal(true), tokensRequired: z.boolean() }),
  },
  {
    method: 'get',
    path: '/api/assets',
    response: z.object({ assets: z.array(S.AssetSummary), groups: z.array(z.string()) }),
    tag: 'assets',
    summary: 'Asset catalog with latest materialization and status',
  },
  {
    method: 'get',
    path: '/api/asset-graph',
    response: z.object({
      nodes: z.array(
        z.object({
          key: z.string(),
          group: z.string(),
          status: S.AssetStatus,
          partitioned: z.boolean(),
          lastMaterializedAt: z.number().nullable(),
          x: z.number().nullable(),
          y: z.number().nullable(),
        }),
      ),
      edges: z.array(z.object({ source: z.string(), target: z.string() })),
      node: z.object({ width: z.number(), height: z.number() }),
      layoutError: z.string().nullable(),
    }),
    tag: 'assets',
    summary: 'Lineage graph: nodes (with status) and edges',
  },
  {
    method: 'get',
    path: '/api/assets/{key}',
    response: z.object({
      asset: S.AssetSummary,
      upstream: z.array(z.string()),
      downstream: z.array(z.string()),
      materializations: z.array(S.AssetMaterialization),
      nextBeforeId: z.number().int().nullable(),
      partitions: z.array(
        z.object({
          partitionKey: z.string(),
          status: z.enum(['MATERIALIZED', 'MISSING']),
          lastMaterializedAt: z.number().nullable(),
          runId: z.string().nullable(),
        }),
      ),
    }),
    tag: 'assets',
    summary: 'Asset detail: materialization history (paged by beforeId) and per-partition status',
    params: [
      p('key', 'Asset key'),
      q('limit', 'Page size (1–500)', int),
      q('beforeId', 'Older than this id', int),
      q('partition', 'Only this partition'),
    ],
  },
  {
    method: 'post',
    path: '/api/assets/materialize',
    response: runBody,
    tag: 'assets',
    summary: 'Materialize an asset selection',
    body: materializeBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/jobs',
    response: z.object({ jobs: z.array(S.Job) }),
    tag: 'jobs',
    summary: 'Jobs with their steps, sensors and schedules',
  },
  {
    method: 'post',
    path: '/api/jobs/{name}/validate',
    response: z.object({
      valid: z.boolean(),
      issues: z.array(S.ConfigIssue),
      message: z.string().optional(),
    }),
    tag: 'jobs',
    summary: 'Validate a run config (JSON or YAML) for a job',
    params: [p('name', 'Job name')],
    body: validateBody,
  },
  {
    method: 'post',
    path: '/api/jobs/{name}/launch',
    response: runBody,
    tag: 'jobs',
    summary: 'Launch a run; 400 names the bad config path',
    params: [p('name', 'Job name')],
    body: launchBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/runs',
    response: z.object({ runs: z.array(S.Run), nextCursor: z.string().nullable() }),
    tag: 'runs',
    summary: 'Runs, newest first, with cursor pagination',
    params: [
      q('status', 'Comma-separated statuses'),
      q('job', 'Job name'),
      q('tag', 'key:value[,key:value]'),
      q('cursor', 'nextCursor of the previous page'),
      q('limit', 'Page size (1–500)', int),
      q('since', 'Created after (epoch ms)', int),
    ],
  },
  {
    method: 'get',
    path: '/api/runs/counts',
    response: z.object({ since: z.number().nullable(), counts: z.record(z.string(), z.number()) }),
    tag: 'runs',
    summary: 'Run counts by status',
    params: [q('since', 'Epoch ms', int)],
  },
  {
    method: 'get',
    path: '/api/runs/jobs',
    response: z.object({ jobNames: z.array(z.string()) }),
    tag: 'runs',
    summary: 'Job names that have runs (for filters)',
  },
  {
    method: 'get',
    path: '/api/runs/{runId}',
    response: z.object({ run: S.Run, eventCount: z.number().int(), steps: z.array(S.StepSummary) }),
    tag: 'runs',
    summary: 'Run detail with step summary',
    params: [p('runId', 'Run id')],
  },
  {
    method: 'get',
    path: '/api/runs/{runId}/events',
    response: z.object({ events: z.array(S.RunEvent), nextAfterId: z.number().int().nullable() }),
    tag: 'runs',
    summary: 'Run event log, paged by afterId',
    params: [
      p('runId', 'Run id'),
      q('afterId', 'Events after this id', int),
      q('limit', 'Page size (1–5000)', int),
      q('level', 'Comma-separated: debug,info,warn,error'),
      q('type', 'Comma-separated event types'),
      q('step', 'Step key'),
      q('search', 'Case-insensitive substring of the message'),
    ],
  },
  {
    method: 'post',
    path: '/api/runs/{runId}/cancel',
    response: runBody,
    tag: 'runs',
    summary: 'Cancel a run',
    params: [p('runId', 'Run id')],
  },
  {
    method: 'post',
    path: '/api/runs/{runId}/reexecute',
    response: runBody,
    tag: 'runs',
    summary: 'Re-execute (from failure by default)',
    params: [p('runId', 'Run id')],
    body: reexecuteBody,
    ok: 201,
  },
  ...(['sensor', 'schedule'] as const).flatMap((k): Op[] => {
    const item = k === 'sensor' ? S.Sensor : S.Schedule;
    const one = z.object({ [k]: item });
    return [
      {
        method: 'get',
        path: `/api/${k}s`,
        tag: 'automation',
        summary: `List ${k}s with status and next tick`,
        response: z.object({ [`${k}s`]: z.array(item) }),
      },
      {
        method: 'get',
        path: `/api/${k}s/{name}`,
        tag: 'automation',
        summary: `One ${k}`,
        params: [p('name', `${k} name`)],
        response: one,
      },
      {
        method: 'post',
        path: `/api/${k}s/{name}/start`,
        tag: 'automation',
        summary: `Start the ${k}`,
        params: [p('name', `${k} name`)],
        response: one,
      },
      {
        method: 'post',
        path: `/api/${k}s/{name}/stop`,
        tag: 'automation',
        summary: `Stop the ${k}`,
        params: [p('name', `${k} name`)],
        response: one,
      },
      {
        method: 'get',
        path: `/api/${k}s/{name}/ticks`,
        tag: 'automation',
        summary: `Tick history of the ${k}`,
        params: [
          p('name', `${k} name`),
          q('limit', '1–500', int),
          q('status', 'Comma-separated tick statuses'),
        ],
        response: z.object({ ticks: z.array(S.Tick) }),
      },
      {
        method: 'post',
        path: `/api/${k}s/{name}/evaluate`,
        tag: 'automation',
        summary: k === 'sensor' ? 'Evaluate the sensor now' : "Launch the schedule's job now",
        params: [p('name', `${k} name`)],
        ok: k === 'sensor' ? 200 : 201,
        response: k === 'sensor' ? z.object({ tick: S.Tick }) : runBody,
      },
    ];
  }),
  {
    method: 'get',
    path: '/api/alerts',
    response: z.object({ alerts: z.array(S.Alert) }),
    tag: 'alerts',
    summary: 'Alerts',
    params: [q('status', 'open | acknowledged | resolved'), q('limit', '1–1000', int)],
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/acknowledge',
    response: z.object({ alert: S.Alert }),
    tag: 'alerts',
    summary: 'Acknowledge an alert',
    params: [p('id', 'Alert id')],
    body: ackBody,
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/resolve',
    response: z.object({ alert: S.Alert }),
    tag: 'alerts',
    summary: 'Resolve an alert',
    params: [p('id', 'Alert id')],
  },
  {
    method: 'get',
    path: '/api/metrics/latest',
    response: z.object({ snapshot: S.MetricsSnapshot.nullable() }),
    tag: 'system',
    summary: 'Latest pipeline metrics snapshot',
  },
  {
    method: 'get',
    path: '/api/metrics/history',
    response: z.object({ snapshots: z.array(S.MetricsSnapshot) }),
    tag: 'system',
    summary: 'Pipeline metrics over time',
    params: [q('since', 'Epoch ms', int), q('limit', '1–10000', int)],
  },
  {
    method: 'get',
    path: '/api/daemon',
    response: z.object({
      healthy: z.boolean(),
      heartbeats: z.array(S.Heartbeat),
      summary: z.string(),
      heartbeatMaxAgeMs: z.number(),
    }),
    tag: 'system',
    summary: 'Daemon and worker heartbeats',
  },
  {
    method: 'get',
    path: '/api/overview',
    response: z.object({
      now: z.number(),
      runsLast24h: z.record(z.string(), z.number()),
      queueDepth: z.number().int(),
      inProgress: z.number().int(),
      recentFailures: z.array(S.Run),
      heartbeats: z.array(S.Heartbeat),
      openAlerts: z.array(S.Alert).nullable(),
      ragConfigured: z.boolean(),
    }),
    tag: 'system',
    summary: 'Overview: runs in 24 h, queue depth, failures, heartbeats, open alerts',
  },
  { method: 'get', path: '/api/stats', response: S.Stats, tag: 'library', summary: 'Library counts' },
  {
    method: 'get',
    path: '/api/library/requests',
    response: z.object({ requests: z.array(S.YoutubeRequest) }),
    tag: 'library',
    summary: 'Ingestion requests',
    params: [q('status', 'pending | processing | completed | failed'), q('limit', '1–1000', int)],
  },
  {
    method: 'post',
    path: '/api/library/requests',
    response: S.SubmitResult,
    tag: 'library',
    summary: 'Submit video URLs',
    body: submitBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/library/requests/{id}',
    response: requestBody,
    tag: 'library',
    summary: 'One request',
    params: [p('id', 'Request id')],
  },
  {
    method: 'post',
    path: '/api/library/requests/{id}/retry',
    response: requestBody,
    tag: 'library',
    summary: 'Retry a failed request',
    params: [p('id', 'Request id')],
  },
  {
    method: 'get',
    path: '/api/library/videos',
    response: z.object({ videos: z.array(S.Video) }),
    tag: 'library',
    summary: 'Indexed videos',
    params: [q('limit', '1–1000', int), q('channel', 'Channel name')],
  },
  {
    method: 'get',
    path: '/api/library/videos/{videoId}',
    response: z.object({ video: S.Video, chapters: z.array(S.Chapter), summary: S.VideoSummary.nullable() }),
    tag: 'library',
    summary: 'One video',
    params: [p('videoId', 'Video id')],
  },
  {
    method: 'get',
    path: '/api/library/videos/{videoId}/transcript',
    response: z.object({ video: S.Video, segments: z.array(S.Segment), chapters: z.array(S.Chapter) }),
    tag: 'library',
    summary: 'Transcript segments with times',
    params: [p('videoId', 'Video id')],
  },
  {
    method: 'get',
    path: '/api/subscriptions',
    response: z.object({ subscriptions: z.array(S.Subscription) }),
    tag: 'subscriptions',
    summary: 'Subscriptions with last check, videos found, next check, error and entry counts',
  },
  {
    method: 'post',
    path: '/api/subscriptions',
    response: subscriptionBody,
    tag: 'subscriptions',
    summary: 'Subscribe to a channel, playlist or RSS/Atom feed (checked at once)',
    body: subscribeBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/subscriptions/{id}',
    response: z.object({
      subscription: S.Subscription,
      entries: z.array(S.SubscriptionEntry),
    }),
    tag: 'subscriptions',
    summary: 'One subscription with its latest entries',
    params: [p('id', 'Subscription id')],
  },
  {
    method: 'post',
    path: '/api/subscriptions/{id}/update',
    response: subscriptionBody,
    tag: 'subscriptions',
    summary: 'Pause/resume, or change how the subscriber is notified',
    params: [p('id', 'Subscription id')],
    body: subscriptionPatchBody,
  },
  {
    method: 'post',
    path: '/api/subscriptions/{id}/check',
    response: subscriptionBody,
    tag: 'subscriptions',
    summary: 'Check now',
    params: [p('id', 'Subscription id')],
  },
  {
    method: 'post',
    path: '/api/subscriptions/{id}/remove',
    response: okBody,
    tag: 'subscriptions',
    summary: 'Stop following (indexed videos stay)',
    params: [p('id', 'Subscription id')],
  },
  {
    method: 'post',
    path: '/api/library/import',
    response: requestBody,
    tag: 'library',
    summary: 'Import a transcript file (.vtt, .srt, .json3)',
    upload: true,
    ok: 201,
  },
  {
    method: 'post',
    path: '/api/ask',
    response: S.AskResult,
    tag: 'ask',
    summary: 'Ask a question; answer with cited sources',
    body: askBody,
  },
  {
    method: 'post',
    path: '/api/feedback',
    response: okBody,
    tag: 'ask',
    summary: 'Rate an answer',
    body: feedbackBody,
  },
  {
    method: 'get',
    path: '/api/events/stream',
    response: null,
    tag: 'live',
    summary: 'Server-sent events: events, run, alerts',
    params: [q('afterId', 'Resume after this event id', int)],
    stream: true,
  },
];

export { buildOpenApi } from './contract/document.ts';
