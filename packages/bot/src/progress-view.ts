import { type RequestStage, STAGE_PERCENT, type YoutubeRequest } from '@llm-rag-yt/rag';
import { encodeCallback } from './callback-data.ts';
import { escapeHtml, formatDuration, hideLocalPaths, progressBar, truncate } from './format.ts';

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

export interface RenderedMessage {
  readonly text: string;
  readonly replyMarkup?: InlineKeyboard;
}

const STAGE_LABEL: Readonly<Record<RequestStage, string>> = Object.freeze({
  validating: 'Checking the link',
  downloading: 'Downloading',
  transcribing: 'Transcribing',
  processing: 'Processing the transcript',
  embedding: 'Indexing',
  done: 'Done',
  failed: 'Failed',
});

/** Stages in pipeline order, for the verbose timing lines. */
const TIMED_STAGES: readonly RequestStage[] = [
  'validating',
  'downloading',
  'transcribing',
  'processing',
  'embedding',
];

export interface ProgressContext {
  readonly verbose: boolean;
  /** The video's title once known. */
  readonly title?: string | null;
  readonly chunkCount?: number | null;
}

/**
 * The one progress message of a request: title, 10-cell bar with the stage's percentage, what
 * happens now; verbose adds each finished stage's time; a failure says why and offers Retry.
 */
export function renderProgress(r: YoutubeRequest, ctx: ProgressContext): RenderedMessage {
  const name = escapeHtml(truncate(ctx.title || r.url, 200));
  const percent = STAGE_PERCENT[r.stage];
  const lines = [`🎬 <b>${name}</b>`];
  if (r.status === 'failed') {
    lines.push(`${progressBar(percent)} ❌ Failed`);
    lines.push(escapeHtml(truncate(hideLocalPaths(r.error ?? 'The pipeline did not say why.'), 1500)));
  } else if (r.status === 'completed') {
    lines.push(`${progressBar(100)} 100 %`);
    const chunks = ctx.chunkCount
      ? ` (${ctx.chunkCount} passage${ctx.chunkCount === 1 ? '' : 's'} indexed)`
      : '';
    lines.push(`✅ Done${chunks}. Ask me anything about it.`);
  } else {
    lines.push(`${progressBar(percent)} ${percent} %`);
    lines.push(
      r.status === 'pending' ? '⏳ Queued, waiting for the pipeline…' : `⚙️ ${STAGE_LABEL[r.stage]}…`,
    );
  }
  if (ctx.verbose) {
    const timed = TIMED_STAGES.filter((s) => typeof r.timings[s] === 'number');
    if (timed.length) {
      lines.push('');
      for (const s of timed) lines.push(`• ${STAGE_LABEL[s]}: ${formatDuration(r.timings[s]!)}`);
    }
    lines.push(`<i>request #${r.id}${r.attempts > 0 ? `, attempt ${r.attempts + 1}` : ''}</i>`);
  }
  const text = lines.join('\n');
  if (r.status !== 'failed') return Object.freeze({ text });
  return Object.freeze({
    text,
    replyMarkup: {
      inline_keyboard: [
        [{ text: '🔁 Retry', callback_data: encodeCallback({ kind: 'retry', requestId: r.id }) }],
      ],
    },
  });
}

export function isFinished(r: YoutubeRequest): boolean {
  return r.status === 'completed' || r.status === 'failed';
}

/** What the tracker compares to skip identical edits. */
export function viewKey(view: RenderedMessage): string {
  return view.text + JSON.stringify(view.replyMarkup ?? null);
}
