import { resolve } from 'node:path';
import { formatClock } from '@llm-rag-yt/format';
import type { Chapter, TranscriptSegment, YoutubeRequest } from '@llm-rag-yt/rag';
import type { MultiBar } from 'cli-progress';
import type { Command } from 'commander';
import type { AppContext } from '../app.ts';
import { EXIT, formatDuration, formatTime, table, UsageError } from '../io.ts';
import { appRunner, type CommandEnv, json, out } from './env.ts';
import { importMany, transcriptList } from './import-many.ts';
import { parseIntStrict } from './pipeline.ts';

export function registerRagCommands(program: Command, env: CommandEnv): void {
  const withApp = appRunner(env);
  program
    .command('ingest <urls...>')
    .description(
      'Add YouTube videos, playlists or channels (or any page yt-dlp supports) to the knowledge base',
    )
    .option('-w, --wait', 'wait until they are searchable, with a progress bar per video')
    .option('-l, --language <code>', "caption/transcription language, e.g. 'en', 'ru' or 'auto'")
    .option('-f, --force', 're-process videos that are already indexed')
    .option('--json', 'machine-readable output')
    .action((urls: string[], o) =>
      withApp(async (app) => {
        const result = await app.rag.submitUrls(urls, {
          language: o.language,
          force: !!o.force,
          source: 'cli',
        });
        for (const r of result.rejected) env.io.stderr.write(`rejected ${r.url}: ${r.reason}\n`);
        if (result.requests.length === 0) {
          if (o.json) json(env, result);
          env.setExitCode(result.rejected.length ? EXIT.USAGE : EXIT.OK);
          return;
        }
        if (!o.wait) {
          if (o.json) return json(env, result);
          for (const r of result.requests) out(env, `request #${r.id}: ${r.url} (${r.status})`);
          if (!(await app.daemonIsLive()))
            out(env, 'No daemon is running: start one with `llm-rag-yt dev`, or use --wait to process now.');
          return;
        }
        const stop = await app.ensureExecutor();
        try {
          const final = await followRequests(
            env,
            app,
            result.requests.map((r) => r.id),
            !o.json,
          );
          if (o.json) json(env, { ...result, requests: final });
          else
            for (const r of final)
              out(
                env,
                r.status === 'completed'
                  ? `✔ ${r.videoId ?? r.url} indexed (${formatDuration(Object.values(r.timings).reduce((a, b) => a + b, 0))})`
                  : `✖ ${r.url}: ${r.error ?? r.status}`,
              );
          if (final.some((r) => r.status !== 'completed')) env.setExitCode(EXIT.FAILED);
        } finally {
          await stop();
        }
      }),
    );

  program
    .command('ask <question...>')
    .description('Ask the knowledge base; the answer cites video, time range and a deep link')
    .option('-k, --top-k <n>', 'passages to use', (v) => positiveInt(v, '--top-k'), 5)
    .option('--video <id>', 'only this video')
    .option('--channel <name>', 'only this channel')
    .option('--json', 'machine-readable output')
    .action((words: string[], o) =>
      withApp(async (app) => {
        const question = words.join(' ');
        const res = await app.rag.ask(question, {
          topK: o.topK,
          videoId: o.video,
          channel: o.channel,
          source: 'cli',
        });
        if (o.json) return json(env, res);
        out(env, `${res.answer}\n`);
        if (res.citations.length === 0)
          out(env, 'No matching passages. Ingest some videos first: llm-rag-yt ingest URL --wait');
        res.citations.forEach((c, i) => {
          out(env, `[${i + 1}] ${c.title} ${clock(c.start)}–${clock(c.end)}  ${c.url}`);
          out(env, `    ${c.snippet.replace(/\s+/g, ' ').slice(0, 200)}`);
        });
        out(env, `\n(${res.retrieval} retrieval, ${res.mode}, ${res.latencyMs} ms)`);
      }),
    );

  program
    .command('import <file>')
    .description(
      'Import a local media file or a transcript (.vtt, .srt, .json3); a folder or a videos.jsonl manifest imports many transcripts in one run',
    )
    .option('--video-id <id>', 'YouTube video id the transcript belongs to')
    .option('--title <title>', 'title to show in answers')
    .option('-l, --language <code>', 'language of the media')
    .option('--no-wait', 'only queue the work')
    .action((file: string, o) =>
      withApp(async (app) => {
        const path = resolve(env.io.cwd, file);
        const many = await transcriptList(path);
        if (many) return importMany(env, app, many, o.wait !== false);
        const stop = o.wait === false ? async () => {} : await app.ensureExecutor();
        try {
          const req = await app.rag.importFile(path, {
            videoId: o.videoId,
            title: o.title,
            language: o.language,
          });
          if (o.wait === false)
            return out(env, `Queued import request #${req.id}${req.runId ? ` (run ${req.runId})` : ''}.`);
          const [final] = await followRequests(env, app, [req.id], true);
          if (final!.status === 'completed') out(env, `✔ imported ${final!.videoId}`);
          else {
            out(env, `✖ ${final!.error ?? final!.status}`);
            env.setExitCode(EXIT.FAILED);
          }
        } finally {
          await stop();
        }
      }),
    );

  const videos = program.command('videos').description('Videos in the knowledge base');
  videos
    .command('list')
    .option('--channel <name>', 'filter by channel')
    .option('-n, --limit <n>', 'how many', (v) => positiveInt(v, '--limit'), 50)
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const list = await app.rag.listVideos({ limit: o.limit, channel: o.channel });
        if (o.json) return json(env, list);
        out(
          env,
          table(
            list.map((v) => ({
              id: v.videoId,
              title: v.title,
              channel: v.channel ?? '',
              duration: v.durationSeconds ? clock(v.durationSeconds) : '',
              status: v.status,
              chunks: v.chunkCount,
              transcript: v.transcriptSource ?? '',
              added: formatTime(v.createdAt),
            })),
          ),
        );
      }),
    );
  videos
    .command('show <videoId>')
    .option('--json', 'machine-readable output')
    .action((id: string, o) =>
      withApp(async (app) => {
        const v = await app.rag.getVideo(id);
        if (!v) throw new UsageError(`No video '${id}'. List them with: llm-rag-yt videos list`);
        const [chapters, summary] = await Promise.all([app.rag.chapters(id), app.rag.summary(id)]);
        if (o.json) return json(env, { ...v, chapters, summary: summary ?? null });
        for (const [k, val] of Object.entries(v)) out(env, `${k.padEnd(16)} ${val ?? ''}`);
        if (chapters.length) {
          out(env, '\nChapters');
          for (const c of chapters) out(env, `  ${clock(c.start).padStart(8)}  ${c.title}`);
        }
        out(env, '\nSummary');
        if (!summary) out(env, '  (none yet: it is made after the video is indexed)');
        else {
          out(env, `  ${summary.label}`);
          out(env, `  ${summary.summary}`);
          for (const p of summary.keyPoints) out(env, `  • [${clock(p.start)}] ${p.text} ${p.url}`);
        }
      }),
    );
  videos
    .command('remove <videoId>')
    .description('Delete a video, its transcript, chunks and files')
    .action((id: string) =>
      withApp(async (app) => {
        if (!(await app.rag.removeVideo(id))) throw new UsageError(`No video '${id}'.`);
        out(env, `Removed ${id}.`);
      }),
    );

  program
    .command('transcript <videoId>')
    .description("Print a video's transcript")
    .option('--format <fmt>', 'txt, vtt or srt', 'txt')
    .action((id: string, o) =>
      withApp(async (app) => {
        if (!['txt', 'vtt', 'srt'].includes(o.format))
          throw new UsageError(`--format must be txt, vtt or srt, got '${o.format}'.`);
        const segments = await app.rag.transcript(id);
        if (segments.length === 0)
          throw new UsageError(`No transcript for '${id}'. Is it ingested? llm-rag-yt videos list`);
        env.io.stdout.write(formatTranscript(segments, o.format, await app.rag.chapters(id)));
      }),
    );

  const jobs = program.command('jobs').description("The seed's pipeline_jobs queue");
  jobs
    .command('add <jobType>')
    .description(
      'Queue a pipeline job, e.g. jobs add youtube_processing --data \'{"url":"https://youtu.be/ID"}\'',
    )
    .option('-d, --data <json>', 'job data as JSON', '{}')
    .option('-p, --priority <n>', 'higher first', (v) => parseIntStrict(v, '--priority'), 0)
    .action((jobType: string, o) =>
      withApp(async (app) => {
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(o.data);
        } catch (e) {
          throw new UsageError(`--data is not valid JSON: ${(e as Error).message}`);
        }
        if (!data || typeof data !== 'object' || Array.isArray(data))
          throw new UsageError('--data must be a JSON object.');
        const id = await app.store.addPipelineJob({ jobType, jobData: data, priority: o.priority });
        await app.instance.wake('youtube_url_sensor');
        out(env, `Queued pipeline job #${id}.`);
      }),
    );
  jobs
    .command('pending')
    .option('-n, --limit <n>', 'how many', (v) => positiveInt(v, '--limit'), 10)
    .option('--json', 'machine-readable output')
    .action((o) =>
      withApp(async (app) => {
        const list = await app.store.getPendingJobs(o.limit);
        if (o.json) return json(env, list);
        out(env, table(list as unknown as Record<string, unknown>[]));
      }),
    );
}

/** Polls the requests until each is completed or failed, drawing a bar per request on a TTY. */
async function followRequests(
  env: CommandEnv,
  app: AppContext,
  ids: number[],
  show: boolean,
): Promise<YoutubeRequest[]> {
  const { STAGE_PERCENT } = await import('@llm-rag-yt/rag'); // loaded with the app already
  const tty = show && !!env.io.stderr.isTTY;
  // Loaded only when bars are drawn.
  const { MultiBar: Bars, Presets } = tty
    ? await import('cli-progress')
    : ({} as typeof import('cli-progress'));
  const bars = tty
    ? new Bars(
        {
          format: ' {bar} {percentage}% | {name} | {stage}',
          hideCursor: true,
          clearOnComplete: false,
          stream: env.io.stderr as NodeJS.WritableStream,
        },
        Presets.shades_classic,
      )
    : null;
  const bar = new Map<number, ReturnType<MultiBar['create']>>();
  const lastStage = new Map<number, string>();
  // A download that finds yt-dlp missing or too old installs the current release first: its bar.
  let installBar: ReturnType<MultiBar['create']> | null = null;
  let installShown = false;
  const stopInstallBar = app.ytDlp.onProgress(({ received, total }) => {
    const kb = Math.ceil(received / 1024);
    const totalKb = Math.max(1, total ? Math.ceil(total / 1024) : kb);
    if (bars) {
      installBar ??= bars.create(totalKb, 0, { name: 'yt-dlp', stage: 'installing the current release' });
      installBar.setTotal(totalKb);
      installBar.update(kb);
    } else if (show && !installShown) {
      out(env, `  yt-dlp: installing the current release (${total ? `${totalKb} KB` : 'size unknown'})`);
    }
    installShown = true;
  });
  try {
    // Poll quickly at first (an import finishes in a fraction of a second), then every 250 ms.
    for (let poll = 0; ; poll++) {
      const current = await Promise.all(ids.map((id) => app.rag.getRequest(id)));
      for (const r of current) {
        if (!r) continue;
        const name = (r.videoId ?? r.url).slice(0, 40);
        const pct = STAGE_PERCENT[r.stage] ?? 0;
        if (bars) {
          if (!bar.has(r.id)) bar.set(r.id, bars.create(100, 0, { name, stage: r.stage }));
          bar.get(r.id)!.update(pct, { name, stage: r.stage });
        } else if (show && lastStage.get(r.id) !== r.stage) {
          out(env, `  ${name}: ${r.stage} (${pct}%)`);
        }
        lastStage.set(r.id, r.stage);
      }
      if (current.every((r) => !r || r.status === 'completed' || r.status === 'failed'))
        return current.filter((r): r is YoutubeRequest => !!r);
      await new Promise((res) => setTimeout(res, Math.min(250, 20 * 2 ** poll)));
    }
  } finally {
    stopInstallBar();
    bars?.stop();
  }
}

export function formatTranscript(
  segments: readonly TranscriptSegment[],
  format: 'txt' | 'vtt' | 'srt',
  chapters: readonly Chapter[] = [],
): string {
  if (format === 'txt') {
    // Chapter titles as headings before the first segment of each chapter.
    const lines: string[] = [];
    let next = 0;
    for (const s of segments) {
      while (next < chapters.length && chapters[next]!.start <= s.start + 0.001) {
        lines.push(
          `${lines.length ? '\n' : ''}## ${chapters[next]!.title} (${clock(chapters[next]!.start)})`,
        );
        next++;
      }
      lines.push(`[${clock(s.start)}] ${s.text}`);
    }
    return lines.join('\n') + '\n';
  }
  const stamp = (t: number, sep: string) => {
    const ms = Math.round(t * 1000);
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor((ms % 3_600_000) / 60_000);
    const s = Math.floor((ms % 60_000) / 1000);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(h)}:${p(m)}:${p(s)}${sep}${p(ms % 1000, 3)}`;
  };
  if (format === 'vtt')
    return `WEBVTT\n\n${segments.map((s) => `${stamp(s.start, '.')} --> ${stamp(s.end, '.')}\n${s.text}\n`).join('\n')}`;
  return segments
    .map((s, i) => `${i + 1}\n${stamp(s.start, ',')} --> ${stamp(s.end, ',')}\n${s.text}\n`)
    .join('\n');
}

/** 83.7 → '1:23'; 3725 → '1:02:05' (as the web UI writes video times). */
export function clock(seconds: number): string {
  return formatClock(seconds);
}

function positiveInt(v: string, flag: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`${flag} must be a whole number ≥ 1, got '${v}'.`);
  return Number(v);
}
