import { z } from 'zod';
import { materializeBody } from './routes/assets.ts';
import { launchBody, validateBody } from './routes/jobs.ts';
import { ackBody, askBody, feedbackBody, submitBody } from './routes/rag.ts';
import { reexecuteBody } from './routes/runs.ts';

type Param = { name: string; in: 'path' | 'query'; description: string; schema?: object };
interface Op {
  method: 'get' | 'post';
  path: string;
  tag: string;
  summary: string;
  params?: Param[];
  body?: z.ZodType;
  /** multipart upload instead of JSON */
  upload?: boolean;
  ok?: number;
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

/** Every /api operation. Keep in step with routes/*.ts (the API test checks each one is served). */
export const OPERATIONS: readonly Op[] = [
  {
    method: 'get',
    path: '/api/assets',
    tag: 'assets',
    summary: 'Asset catalog with latest materialization and status',
  },
  {
    method: 'get',
    path: '/api/assets/graph',
    tag: 'assets',
    summary: 'Lineage graph: nodes (with status) and edges',
  },
  {
    method: 'get',
    path: '/api/assets/{key}',
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
    tag: 'assets',
    summary: 'Materialize an asset selection',
    body: materializeBody,
    ok: 201,
  },
  { method: 'get', path: '/api/jobs', tag: 'jobs', summary: 'Jobs with their steps, sensors and schedules' },
  {
    method: 'post',
    path: '/api/jobs/{name}/validate',
    tag: 'jobs',
    summary: 'Validate a run config (JSON or YAML) for a job',
    params: [p('name', 'Job name')],
    body: validateBody,
  },
  {
    method: 'post',
    path: '/api/jobs/{name}/launch',
    tag: 'jobs',
    summary: 'Launch a run; 400 names the bad config path',
    params: [p('name', 'Job name')],
    body: launchBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/runs',
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
    tag: 'runs',
    summary: 'Run counts by status',
    params: [q('since', 'Epoch ms', int)],
  },
  { method: 'get', path: '/api/runs/jobs', tag: 'runs', summary: 'Job names that have runs (for filters)' },
  {
    method: 'get',
    path: '/api/runs/{runId}',
    tag: 'runs',
    summary: 'Run detail with step summary',
    params: [p('runId', 'Run id')],
  },
  {
    method: 'get',
    path: '/api/runs/{runId}/events',
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
    tag: 'runs',
    summary: 'Cancel a run',
    params: [p('runId', 'Run id')],
  },
  {
    method: 'post',
    path: '/api/runs/{runId}/reexecute',
    tag: 'runs',
    summary: 'Re-execute (from failure by default)',
    params: [p('runId', 'Run id')],
    body: reexecuteBody,
    ok: 201,
  },
  ...(['sensor', 'schedule'] as const).flatMap((k): Op[] => [
    { method: 'get', path: `/api/${k}s`, tag: 'automation', summary: `List ${k}s with status and next tick` },
    {
      method: 'get',
      path: `/api/${k}s/{name}`,
      tag: 'automation',
      summary: `One ${k}`,
      params: [p('name', `${k} name`)],
    },
    {
      method: 'post',
      path: `/api/${k}s/{name}/start`,
      tag: 'automation',
      summary: `Start the ${k}`,
      params: [p('name', `${k} name`)],
    },
    {
      method: 'post',
      path: `/api/${k}s/{name}/stop`,
      tag: 'automation',
      summary: `Stop the ${k}`,
      params: [p('name', `${k} name`)],
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
    },
    {
      method: 'post',
      path: `/api/${k}s/{name}/evaluate`,
      tag: 'automation',
      summary: k === 'sensor' ? 'Evaluate the sensor now' : "Launch the schedule's job now",
      params: [p('name', `${k} name`)],
      ok: k === 'sensor' ? 200 : 201,
    },
  ]),
  {
    method: 'get',
    path: '/api/alerts',
    tag: 'alerts',
    summary: 'Alerts',
    params: [q('status', 'open | acknowledged | resolved'), q('limit', '1–1000', int)],
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/acknowledge',
    tag: 'alerts',
    summary: 'Acknowledge an alert',
    params: [p('id', 'Alert id')],
    body: ackBody,
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/resolve',
    tag: 'alerts',
    summary: 'Resolve an alert',
    params: [p('id', 'Alert id')],
  },
  { method: 'get', path: '/api/metrics/latest', tag: 'system', summary: 'Latest pipeline metrics snapshot' },
  {
    method: 'get',
    path: '/api/metrics/history',
    tag: 'system',
    summary: 'Pipeline metrics over time',
    params: [q('since', 'Epoch ms', int), q('limit', '1–10000', int)],
  },
  { method: 'get', path: '/api/daemon', tag: 'system', summary: 'Daemon and worker heartbeats' },
  {
    method: 'get',
    path: '/api/overview',
    tag: 'system',
    summary: 'Overview: runs in 24 h, queue depth, failures, heartbeats, open alerts',
  },
  { method: 'get', path: '/api/stats', tag: 'library', summary: 'Library counts' },
  {
    method: 'get',
    path: '/api/library/requests',
    tag: 'library',
    summary: 'Ingestion requests',
    params: [q('status', 'pending | processing | completed | failed'), q('limit', '1–1000', int)],
  },
  {
    method: 'post',
    path: '/api/library/requests',
    tag: 'library',
    summary: 'Submit video URLs',
    body: submitBody,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/library/requests/{id}',
    tag: 'library',
    summary: 'One request',
    params: [p('id', 'Request id')],
  },
  {
    method: 'post',
    path: '/api/library/requests/{id}/retry',
    tag: 'library',
    summary: 'Retry a failed request',
    params: [p('id', 'Request id')],
  },
  {
    method: 'get',
    path: '/api/library/videos',
    tag: 'library',
    summary: 'Indexed videos',
    params: [q('limit', '1–1000', int), q('channel', 'Channel name')],
  },
  {
    method: 'get',
    path: '/api/library/videos/{videoId}',
    tag: 'library',
    summary: 'One video',
    params: [p('videoId', 'Video id')],
  },
  {
    method: 'get',
    path: '/api/library/videos/{videoId}/transcript',
    tag: 'library',
    summary: 'Transcript segments with times',
    params: [p('videoId', 'Video id')],
  },
  {
    method: 'post',
    path: '/api/library/import',
    tag: 'library',
    summary: 'Import a transcript file (.vtt, .srt, .json3)',
    upload: true,
    ok: 201,
  },
  {
    method: 'post',
    path: '/api/ask',
    tag: 'ask',
    summary: 'Ask a question; answer with cited sources',
    body: askBody,
  },
  { method: 'post', path: '/api/feedback', tag: 'ask', summary: 'Rate an answer', body: feedbackBody },
  {
    method: 'get',
    path: '/api/events/stream',
    tag: 'live',
    summary: 'Server-sent events: events, run, alerts',
    params: [q('afterId', 'Resume after this event id', int)],
    stream: true,
  },
];

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        status: { type: 'integer' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      required: ['status', 'message'],
    },
  },
};

/** Builds the OpenAPI 3.1 document; request bodies come from the same zod schemas the routes validate with. */
export function buildOpenApi(opts: { tokensRequired: boolean }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) {
    const operation: Record<string, unknown> = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, ch: string) => ch.toUpperCase())
        .replace(/\W/g, '')}`,
      parameters: (op.params ?? []).map((x) => ({
        ...x,
        required: x.in === 'path',
        schema: x.schema ?? { type: 'string' },
      })),
      responses: {
        [String(op.ok ?? 200)]: op.stream
          ? {
              description: 'text/event-stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            }
          : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        '4XX': {
          description: 'Bad input; the message says what to fix',
          content: { 'application/json': { schema: errorSchema } },
        },
      },
    };
    if (op.body) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': { schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) },
        },
      };
    }
    if (op.upload) {
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'string', format: 'binary' },
                videoId: { type: 'string' },
                title: { type: 'string' },
                language: { type: 'string' },
              },
              required: ['file'],
            },
          },
        },
      };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'llm-rag-yt API',
      version: '0.1.0',
      description: 'Orchestrator control room and YouTube RAG API.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: opts.tokensRequired ? [{ bearer: [] }] : [],
    paths,
  };
}
