import { createHash } from 'node:crypto';
import type { CaptionTrack, VideoMetadata } from '@llm-rag-yt/rag';

/** The few fields of yt-dlp's info JSON we read (it has hundreds). */
export interface YtDlpInfo {
  _type?: string;
  id?: string;
  display_id?: string;
  title?: string;
  fulltitle?: string;
  channel?: string | null;
  uploader?: string | null;
  channel_id?: string | null;
  uploader_id?: string | null;
  duration?: number | null;
  upload_date?: string | null;
  description?: string | null;
  language?: string | null;
  extractor?: string;
  extractor_key?: string;
  webpage_url?: string;
  original_url?: string;
  url?: string;
  ie_key?: string;
  acodec?: string | null;
  vcodec?: string | null;
  formats?: { acodec?: string | null; vcodec?: string | null }[];
  subtitles?: Record<string, { ext?: string }[]> | null;
  automatic_captions?: Record<string, { ext?: string }[]> | null;
  entries?: (YtDlpInfo | null)[];
  is_live?: boolean | null;
  chapters?: { start_time?: number | null; end_time?: number | null; title?: string | null }[] | null;
  live_status?: string | null;
}

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;

/** True when the info JSON describes a YouTube video (so its id is the 11-character YouTube id). */
export function isYouTube(info: YtDlpInfo): boolean {
  const key = (info.extractor_key ?? info.ie_key ?? info.extractor ?? '').toLowerCase();
  return key.startsWith('youtube') && YOUTUBE_ID.test(info.id ?? '');
}

/**
 * The id the pipeline de-duplicates by. YouTube: the 11-character id. Other extractors: their own
 * id prefixed by the extractor, so ids of different sites never collide. yt-dlp's generic
 * extractor names media after the page's file name (`index-1`), which collides across sites, so
 * those also get a short hash of the page URL.
 * @example videoIdFor({ extractor_key: 'Vimeo', id: '76979871' }) // 'vimeo-76979871'
 */
export function videoIdFor(info: YtDlpInfo, pageUrl?: string): string {
  if (isYouTube(info)) return info.id!;
  const key = (info.extractor_key ?? info.ie_key ?? info.extractor ?? 'generic').toLowerCase();
  const id = safeId(info.id ?? info.display_id ?? 'video');
  if (key === 'generic' || key === 'html5mediaembed') {
    const page = info.webpage_url ?? pageUrl ?? info.url ?? id;
    const hash = createHash('sha256').update(page).digest('hex').slice(0, 8);
    return `${safeId(id.replace(/-1$/, ''))}-${hash}`.slice(0, 64);
  }
  return `${safeId(key)}-${id}`.slice(0, 64);
}

/** Ids become file names: keep them to a harmless alphabet. */
export function safeId(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^[-_]+/, '')
      .slice(0, 64) || 'video'
  );
}

export function toVideoMetadata(info: YtDlpInfo, requestedUrl: string): VideoMetadata {
  const youtube = isYouTube(info);
  const extractor = (info.extractor_key ?? info.extractor ?? 'generic').toLowerCase();
  let title = info.fulltitle ?? info.title ?? info.id ?? 'untitled';
  // The generic HTML5 extractor numbers embedded media: "Page title (1)".
  if (extractor === 'html5mediaembed') title = title.replace(/ \(1\)$/, '');
  const upload = /^(\d{4})(\d{2})(\d{2})$/.exec(info.upload_date ?? '');
  return {
    videoId: videoIdFor(info, requestedUrl),
    source: youtube ? 'youtube' : extractor,
    url: youtube ? `https://www.youtube.com/watch?v=${info.id}` : (info.webpage_url ?? requestedUrl),
    title,
    channel: info.channel ?? info.uploader ?? null,
    channelId: info.channel_id ?? info.uploader_id ?? null,
    durationSeconds: typeof info.duration === 'number' && info.duration > 0 ? info.duration : null,
    uploadDate: upload ? `${upload[1]}-${upload[2]}-${upload[3]}` : null,
    description: info.description ?? null,
    language: info.language ?? null,
    chapters: (info.chapters ?? [])
      .filter((c) => typeof c?.start_time === 'number')
      .map((c, i) => ({
        start: c.start_time!,
        end: typeof c.end_time === 'number' ? c.end_time : c.start_time!,
        title: c.title?.trim() || `Chapter ${i + 1}`,
      })),
  };
}

/** True when every known format lacks audio (so downloading cannot give us speech). */
export function hasNoAudio(info: YtDlpInfo): boolean {
  const formats = info.formats?.length ? info.formats : [info];
  return formats.every((f) => f.acodec === 'none');
}

export interface CaptionChoice {
  /** The key in subtitles/automatic_captions to pass to --sub-langs, e.g. 'en-US', 'en-orig'. */
  key: string;
  language: string;
  automatic: boolean;
  format: CaptionTrack['format'];
}

const FORMAT_PREFERENCE: CaptionTrack['format'][] = ['vtt', 'json3', 'srt'];

/**
 * Best caption for the wanted languages: manual subtitles in any wanted language (in order) first,
 * then automatic captions. 'auto' in `languages` means the video's own language, then English.
 * For automatic captions YouTube also lists machine translations into every language; the
 * original-language track (`<lang>-orig`, or the video's language) is preferred.
 */
export function pickCaption(info: YtDlpInfo, languages: readonly string[]): CaptionChoice | null {
  const wanted = resolveLanguages(languages, info.language ?? null);
  const pick = (tracks: YtDlpInfo['subtitles'], automatic: boolean): CaptionChoice | null => {
    if (!tracks) return null;
    const keys = Object.keys(tracks).filter((k) => k !== 'live_chat');
    for (const lang of wanted) {
      const candidates = [
        ...(automatic ? keys.filter((k) => k === `${lang}-orig`) : []),
        ...keys.filter((k) => k.toLowerCase() === lang),
        ...keys.filter((k) => k.toLowerCase().startsWith(`${lang}-`) && !k.endsWith('-orig')),
      ];
      for (const key of candidates) {
        const exts = new Set((tracks[key] ?? []).map((f) => f.ext));
        const format = FORMAT_PREFERENCE.find((f) => exts.has(f));
        if (format) return { key, language: lang, automatic, format };
      }
    }
    return null;
  };
  return pick(info.subtitles, false) ?? pick(info.automatic_captions, true);
}

export function resolveLanguages(languages: readonly string[], videoLanguage: string | null): string[] {
  const out: string[] = [];
  for (const l of languages.length ? languages : ['auto']) {
    const items = l === 'auto' ? [videoLanguage, 'en'] : [l];
    for (const item of items) {
      const norm = item?.toLowerCase().split(/[-_]/)[0];
      if (norm && !out.includes(norm)) out.push(norm);
    }
  }
  return out;
}

/** The URL of one `--flat-playlist` entry: its page, its direct http(s) URL, or the YouTube watch URL for its id. */
export function entryUrlOf(item: YtDlpInfo, fallback: string): string {
  if (item.webpage_url) return item.webpage_url;
  if (item.url && /^https?:\/\//.test(item.url)) return item.url;
  if (isYouTube(item)) return `https://www.youtube.com/watch?v=${item.id}`;
  return fallback;
}
