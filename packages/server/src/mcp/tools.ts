import type {
  Citation,
  RagService,
  SubscriptionService,
  SubscriptionView,
  Video,
  YoutubeRequest,
} from '@llm-rag-yt/rag';
import { deepLink, formatRange, formatSources, formatTime, STAGE_PERCENT } from '@llm-rag-yt/rag';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toHttpError } from '../http-error.ts';
import type { ServerLogger } from '../types.ts';

/*
 * The knowledge base as Model Context Protocol tools and resources. A thin adapter over RagService
 * (the same use cases as the API, the bot and the CLI); both transports (stdio, Streamable HTTP at
 * /mcp) serve the server this builds.
 */

export interface McpOptions {
  rag: RagService;
  /** When given, the `subscribe` tool and list_videos' `subscription` filter exist. */
  subscriptions?: SubscriptionService | null;
  logger: ServerLogger;
  /** Recorded as the source of ingest requests and questions ('api' for HTTP, 'cli' for stdio). */
  source?: 'api' | 'cli';
}

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const videoIdInput = text(100).min(1, 'give a video id (see list_videos)');

const moment = z.object({
  videoId: z.string(),
  title: z.string(),
  channel: z.string().nullable(),
  start: z.number().describe('seconds from the start of the video'),
  end: z.number(),
  timeRange: z.string().describe('e.g. 01:15–01:45'),
  chapter: z.string().nullable().describe("the video's chapter this moment starts in, when it has chapters"),
  url: z.string().describe('deep link to the moment, e.g. https://youtu.be/ID?t=75'),
  snippet: z.string(),
  evidence: z.string().nullable().describe('the sentences that match, when known'),
  relevance: z.number().nullable().describe('0..1: how much of the question the evidence covers'),
  score: z.number(),
});

const filters = {
  topK: z.number().int().min(1).max(50).optional().describe('how many moments (default 5)'),
  videoId: videoIdInput.optional().describe('only this video'),
  channel: text(200).optional().describe('only this channel'),
};

const requestOut = z.object({
  id: z.number().int(),
  url: z.string(),
  videoId: z.string().nullable(),
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  stage: z.string(),
  percent: z.number(),
  error: z.string().nullable(),
});

const videoOut = z.object({
  videoId: z.string(),
  title: z.string(),
  channel: z.string().nullable(),
  url: z.string(),
  durationSeconds: z.number().nullable(),
  language: z.string().nullable(),
  status: z.string(),
  chunkCount: z.number().int(),
  transcriptUri: z.string().describe('the transcript as an MCP resource'),
});

const subscriptionOut = z.object({
  id: z.number().int(),
  url: z.string(),
  kind: z.enum(['channel', 'playlist', 'feed']),
  title: z.string().nullable(),
  status: z.enum(['active', 'paused']),
  backfill: z.number().int(),
  entries: z.record(z.string(), z.number()).describe('entries by status: backlog, queued, indexed, …'),
});

const segmentOut = z.object({ start: z.number(), end: z.number(), text: z.string(), url: z.string() });

/** Most segments one get_transcript call returns; an hour of captions is ~1,000 segments. */
const MAX_SEGMENTS = 1000;

export const TRANSCRIPT_URI = 'video://{videoId}/transcript';
const transcriptUri = (videoId: string) => `video://${encodeURIComponent(videoId)}/transcript`;

/** Builds an MCP server with every tool and the transcript resources. One per connection (or per HTTP request). */
export function createMcpServer(opts: McpOptions): McpServer {
  const { rag, logger } = opts;
  const source = opts.source ?? 'api';
  const server = new McpServer(
    { name: 'llm-rag-yt', version: '0.1.0' },
    {
      instructions:
        'A knowledge base of YouTube video transcripts. Use `search` to find moments, `ask` for an answer ' +
        'with [n] citations (each a deep link to the second), `get_transcript` to read a video, `ingest` to add videos.',
    },
  );

  /** Runs a tool body; known errors become the tool's error text, unknown ones a reference (logged here). */
  const tool =
    <A>(name: string, fn: (args: A) => Promise<{ text: string; data: Record<string, unknown> }>) =>
    async (args: A) => {
      try {
        const { text, data } = await fn(args);
        return { content: [{ type: 'text' as const, text }], structuredContent: data };
      } catch (err) {
        return {
          content: [{ type: 'text' as const, text: clientMessage(err, logger, name) }],
          isError: true,
        };
      }
    };

  server.registerTool(
    'search',
    {
      title: 'Search the videos',
      description:
        'Find moments in the indexed videos about a topic: title, time range, deep link, snippet and score, best first. No answer is composed.',
      inputSchema: {
        query: text(2000).min(1, 'give a search query').describe('words or a question'),
        ...filters,
      },
      outputSchema: {
        query: z.string(),
        retrieval: z.enum(['hybrid', 'lexical']),
        notice: z.string().nullable(),
        moments: z.array(moment),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool('search', async (a) => {
      const r = await rag.search(a.query, { topK: a.topK, videoId: a.videoId, channel: a.channel });
      const moments = r.moments.map(toMoment);
      const lines = moments.map(
        (m, i) => `[${i + 1}] ${m.title} (${m.timeRange}) ${m.url}\n    ${m.snippet}`,
      );
      const body = lines.length
        ? lines.join('\n')
        : 'No matching moments. Try other words, or ingest a video about it.';
      return {
        text: r.notice ? `${body}\n\nNote: semantic search is off: ${r.notice}.` : body,
        data: { query: r.query, retrieval: r.retrieval, notice: r.notice, moments },
      };
    }),
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the videos',
      description:
        'Answer a question from the indexed videos. The answer cites its sources as [n]; each citation has title, time range and a deep link to the second.',
      inputSchema: { question: text(2000).min(1, 'ask a question'), ...filters },
      outputSchema: {
        answer: z.string(),
        mode: z.string().describe("'llm:<model>' or 'extractive'"),
        retrieval: z.enum(['hybrid', 'lexical']),
        citations: z.array(moment),
        queryId: z.number().int(),
        latencyMs: z.number(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool('ask', async (a) => {
      const r = await rag.ask(a.question, { topK: a.topK, videoId: a.videoId, channel: a.channel, source });
      const sources = r.citations.length ? `\n\nSources:\n${formatSources(r.citations)}` : '';
      return {
        text: `${r.answer}${sources}`,
        data: {
          answer: r.answer,
          mode: r.mode,
          retrieval: r.retrieval,
          citations: r.citations.map(toMoment),
          queryId: r.queryId,
          latencyMs: r.latencyMs,
        },
      };
    }),
  );

  server.registerTool(
    'get_transcript',
    {
      title: 'Read a transcript',
      description:
        'The timed transcript of one video, optionally only between `start` and `end` seconds, in pages: pass `nextCursor` back as `cursor` for the next page.',
      inputSchema: {
        videoId: videoIdInput,
        start: z.number().min(0).optional().describe('seconds; segments ending before it are skipped'),
        end: z.number().min(0).optional().describe('seconds; segments starting after it are skipped'),
        cursor: z.number().int().min(0).optional().describe('from a previous page'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_SEGMENTS)
          .optional()
          .describe('segments per page (default 200)'),
      },
      outputSchema: {
        videoId: z.string(),
        title: z.string(),
        url: z.string(),
        total: z.number().int().describe('segments in the time range'),
        segments: z.array(segmentOut),
        nextCursor: z.number().int().nullable(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool('get_transcript', async (a) => {
      if (a.start !== undefined && a.end !== undefined && a.end < a.start)
        throw new McpError(ErrorCode.InvalidParams, `end (${a.end}) is before start (${a.start}).`);
      const video = await knownVideo(rag, a.videoId);
      const inRange = (await rag.transcript(a.videoId)).filter(
        (s) => (a.start === undefined || s.end > a.start) && (a.end === undefined || s.start <= a.end),
      );
      const from = a.cursor ?? 0;
      const page = inRange.slice(from, from + (a.limit ?? 200));
      const next = from + page.length < inRange.length ? from + page.length : null;
      const segments = page.map((s) => ({ ...s, url: deepLink(video.videoId, s.start, video.url) }));
      const lines = segments.map((s) => `[${formatTime(s.start)}] ${s.text}`);
      if (next !== null) lines.push(`(more: call again with cursor ${next})`);
      return {
        text: lines.join('\n') || 'No transcript text in that range.',
        data: {
          videoId: video.videoId,
          title: video.title,
          url: video.url,
          total: inRange.length,
          segments,
          nextCursor: next,
        },
      };
    }),
  );

  server.registerTool(
    'list_videos',
    {
      title: 'List videos',
      description:
        'Videos in the knowledge base, newest first, filtered by channel, status or text in the title or channel.',
      inputSchema: {
        channel: text(200).optional().describe('exact channel name'),
        text: text(200).optional().describe('part of the title or channel, any case'),
        status: z.enum(['downloaded', 'transcribed', 'indexed', 'failed']).optional(),
        ...(opts.subscriptions
          ? {
              subscription: z
                .number()
                .int()
                .positive()
                .optional()
                .describe('only videos found by this subscription id'),
            }
          : {}),
        limit: z.number().int().min(1).max(500).optional().describe('default 50'),
      },
      outputSchema: { videos: z.array(videoOut) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool(
      'list_videos',
      async (a: {
        channel?: string;
        text?: string;
        status?: Video['status'];
        limit?: number;
        subscription?: number;
      }) => {
        let only: Set<string> | null = null;
        if (a.subscription !== undefined && opts.subscriptions) {
          if (!(await opts.subscriptions.get(a.subscription)))
            throw new McpError(ErrorCode.InvalidParams, `Unknown subscription ${a.subscription}.`);
          const entries = await opts.subscriptions.entries(a.subscription, { limit: 10_000 });
          only = new Set(entries.map((e) => e.videoId).filter((id): id is string => Boolean(id)));
        }
        const filtered = Boolean(a.status || only);
        const videos = (
          await rag.listVideos({ channel: a.channel, text: a.text, limit: filtered ? 1000 : (a.limit ?? 50) })
        )
          .filter((v) => (!a.status || v.status === a.status) && (!only || only.has(v.videoId)))
          .slice(0, a.limit ?? 50)
          .map(toVideoOut);
        const lines = videos.map(
          (v) => `${v.videoId}  ${v.title}${v.channel ? ` — ${v.channel}` : ''} (${v.status})`,
        );
        return { text: lines.join('\n') || 'No videos match.', data: { videos } };
      },
    ),
  );

  server.registerTool(
    'ingest',
    {
      title: 'Add videos',
      description:
        'Queue video URLs (YouTube videos, playlists or channels, or other sites yt-dlp supports) for download, transcription and indexing. Returns request ids for ingest_status.',
      inputSchema: {
        urls: z.array(text(2000).min(1)).min(1, 'give at least one URL').max(50, 'at most 50 URLs at once'),
        language: text(20).optional().describe('wanted caption/transcription language, e.g. en'),
        force: z.boolean().optional().describe('re-ingest videos that are already indexed'),
      },
      outputSchema: {
        requests: z.array(requestOut),
        rejected: z.array(z.object({ url: z.string(), reason: z.string() })),
        alreadyIndexed: z.array(z.string()),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    tool('ingest', async (a) => {
      const r = await rag.submitUrls(a.urls, { language: a.language, force: a.force, source });
      const requests = r.requests.map(toRequestOut);
      const lines = [
        ...requests.map((q) => `request ${q.id}: ${q.url} (${q.status})`),
        ...r.rejected.map((x) => `rejected ${x.url}: ${x.reason}`),
        ...(r.alreadyIndexed ?? []).map((id) => `already indexed: ${id} (force to re-ingest)`),
      ];
      return {
        text: lines.join('\n') || 'Nothing to do.',
        data: { requests, rejected: r.rejected, alreadyIndexed: r.alreadyIndexed ?? [] },
      };
    }),
  );

  server.registerTool(
    'ingest_status',
    {
      title: 'Progress of added videos',
      description: 'Status, stage and percent of ingest requests by id; failed ones say why.',
      inputSchema: {
        ids: z.array(z.number().int().positive()).min(1, 'give at least one request id').max(100),
      },
      outputSchema: { requests: z.array(requestOut), unknown: z.array(z.number().int()) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool('ingest_status', async (a) => {
      const found = await Promise.all(a.ids.map((id) => rag.getRequest(id)));
      const requests = found.filter((r): r is YoutubeRequest => Boolean(r)).map(toRequestOut);
      const unknown = a.ids.filter((_, i) => !found[i]);
      const lines = [
        ...requests.map(
          (q) => `request ${q.id}: ${q.status}, ${q.stage} ${q.percent}%${q.error ? ` — ${q.error}` : ''}`,
        ),
        ...unknown.map((id) => `request ${id}: unknown`),
      ];
      return { text: lines.join('\n'), data: { requests, unknown } };
    }),
  );

  const subs = opts.subscriptions;
  if (subs) {
    server.registerTool(
      'subscribe',
      {
        title: 'Follow a channel, playlist or feed',
        description:
          'Subscribe to a YouTube channel or playlist, or an RSS/Atom feed: new uploads are ingested as they appear; `backfill` also ingests that many existing ones (newest first).',
        inputSchema: {
          url: text(2000).min(1, 'give a channel, playlist or feed URL'),
          backfill: z
            .number()
            .int()
            .min(0)
            .max(500)
            .optional()
            .describe('existing videos to ingest too (default 0)'),
          filters: z
            .object({
              include: text(200).optional().describe('title regex to require'),
              exclude: text(200).optional().describe('title regex to skip'),
              minDurationSeconds: z.number().min(0).optional(),
              maxDurationSeconds: z.number().min(0).optional(),
              noShorts: z.boolean().optional(),
              noLive: z.boolean().optional(),
            })
            .strict()
            .optional(),
        },
        outputSchema: { subscription: subscriptionOut },
        annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      },
      tool('subscribe', async (a) => {
        const sub = await subs.subscribe(a.url, { backfill: a.backfill, filters: a.filters, notify: 'off' });
        const out = toSubscriptionOut(sub);
        return {
          text: `Subscribed to ${out.url} (${out.kind}) as #${out.id}; new videos will be ingested.`,
          data: { subscription: out },
        };
      }),
    );
  }

  server.registerResource(
    'transcript',
    new ResourceTemplate(TRANSCRIPT_URI, {
      list: async () => ({
        resources: (await rag.listVideos({ limit: 200 }))
          .filter((v) => v.status === 'indexed' || v.status === 'transcribed')
          .map((v) => ({ uri: transcriptUri(v.videoId), name: v.title, mimeType: 'text/plain' })),
      }),
    }),
    {
      title: 'Video transcript',
      description: 'The timed transcript of a video, one "[mm:ss] text" line per segment.',
      mimeType: 'text/plain',
    },
    async (uri, vars) => {
      const videoId = decodeURIComponent(String(vars.videoId ?? ''));
      const video = await rag.getVideo(videoId).catch((err) => {
        throw new McpError(ErrorCode.InternalError, clientMessage(err, logger, 'transcript resource'));
      });
      if (!video)
        throw new McpError(
          ErrorCode.InvalidParams,
          `Unknown video '${videoId.slice(0, 100)}'. List videos with list_videos.`,
        );
      const segments = await rag.transcript(videoId);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/plain',
            text: `${video.title}\n${video.url}\n\n${segments.map((s) => `[${formatTime(s.start)}] ${s.text}`).join('\n')}`,
          },
        ],
      };
    },
  );

  return server;
}

async function knownVideo(rag: RagService, videoId: string): Promise<Video> {
  const video = await rag.getVideo(videoId);
  if (!video)
    throw new McpError(ErrorCode.InvalidParams, `Unknown video '${videoId}'. List videos with list_videos.`);
  return video;
}

function toMoment(c: Citation): z.infer<typeof moment> {
  return {
    videoId: c.videoId,
    title: c.title,
    channel: c.channel,
    start: c.start,
    end: c.end,
    timeRange: formatRange(c.start, c.end),
    chapter: c.chapter ?? null,
    url: c.url,
    snippet: c.snippet,
    evidence: c.evidence?.text ?? null,
    relevance: c.relevance ?? null,
    score: c.score,
  };
}

function toVideoOut(v: Video): z.infer<typeof videoOut> {
  return {
    videoId: v.videoId,
    title: v.title,
    channel: v.channel,
    url: v.url,
    durationSeconds: v.durationSeconds,
    language: v.language,
    status: v.status,
    chunkCount: v.chunkCount,
    transcriptUri: transcriptUri(v.videoId),
  };
}

function toSubscriptionOut(s: SubscriptionView): z.infer<typeof subscriptionOut> {
  return {
    id: s.id,
    url: s.url,
    kind: s.kind,
    title: s.title,
    status: s.status,
    backfill: s.backfill,
    entries: s.entries,
  };
}

function toRequestOut(r: YoutubeRequest): z.infer<typeof requestOut> {
  return {
    id: r.id,
    url: r.url,
    videoId: r.videoId,
    status: r.status,
    stage: r.stage,
    percent: STAGE_PERCENT[r.stage] ?? 0,
    error: r.error,
  };
}

let errorCounter = 0;

/** What a client may see of an error: the domain's own message, or a reference to the server log. */
export function clientMessage(err: unknown, logger: ServerLogger, where: string): string {
  if (err instanceof McpError) return err.message.replace(/^MCP error -?\d+: /, '');
  const known = toHttpError(err);
  if (known) return known.message;
  const ref = `${Date.now().toString(36)}-${(++errorCounter).toString(36)}`;
  logger.error({ err, ref, where }, 'MCP tool failed');
  return `Internal error (reference ${ref}); the server log has the details.`;
}
