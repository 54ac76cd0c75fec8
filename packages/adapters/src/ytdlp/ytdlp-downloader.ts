import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration } from '@llm-rag-yt/format';
import { ProcessError, runProcess } from '@llm-rag-yt/orchestrator';
import type {
  AudioConverter,
  CaptionTrack,
  Downloader,
  DownloadOptions,
  DownloadResult,
  FeedListing,
  VideoMetadata,
} from '@llm-rag-yt/rag';
import { parseCaptions, parseVideoUrl } from '@llm-rag-yt/rag';
import { EgressPolicy, EgressRefusedError } from '../egress/policy.ts';
import { startEgressProxy } from '../egress/proxy.ts';
import { MediaError } from '../shared/media-error.ts';
import { classifyYtDlpError, DownloadFailedError } from './errors.ts';
import { type YtDlpFreshness, ytDlpTooOld } from './freshness.ts';
import {
  type CaptionChoice,
  entryUrlOf,
  hasNoAudio,
  pickCaption,
  toVideoMetadata,
  videoIdFor,
  type YtDlpInfo,
} from './info.ts';
import { toFeedListing } from './listing.ts';
import { PROGRESS_TEMPLATE, parseProgressLine } from './progress.ts';
import type { YtDlpProvisioner } from './provision.ts';
import { type SharedSiteSlots, SiteLimiter, siteOf } from './site-limiter.ts';
import { parseYtDlpVersion, YTDLP_INSTALL_HINT } from './version.ts';

export interface YtDlpConfig {
  /** Executable path. Default 'yt-dlp'. */
  ytDlpPath?: string;
  /** Converts the downloaded audio to 16 kHz mono WAV. */
  converter: AudioConverter;
  /**
   * When check() calls the yt-dlp too old (YTDLP_MIN_VERSION / YTDLP_MAX_AGE_DAYS). Default: only
   * DEFAULT_MIN_YTDLP_VERSION, the oldest release that has the flags we use.
   */
  freshness?: YtDlpFreshness;
  /** Extra arguments for every call, e.g. ['--cookies', '/data/cookies.txt', '--proxy', '…']. */
  extraArgs?: readonly string[];
  /** Time limit for metadata calls. Default 120 s. */
  metadataTimeoutMs?: number;
  /** Called with yt-dlp's warnings and fallbacks (captions that failed, etc.). */
  onLog?: (message: string) => void;
  /**
   * Which hosts yt-dlp may connect to, on every hop (redirects, meta-refresh, media URLs): every
   * call runs through a filtering proxy on 127.0.0.1. Default: public addresses only.
   */
  egressPolicy?: EgressPolicy;
  /** An HTTP proxy that allowed traffic is forwarded through (YTDLP_PROXY). */
  upstreamProxy?: string | null;
  /**
   * Makes yt-dlp usable before the first call (installs the current release when the configured
   * one is missing or too old); its path replaces `ytDlpPath`.
   */
  provisioner?: YtDlpProvisioner;
  /** At most this many downloads/listings per site at once; 0 = no limit. Default 0. */
  concurrencyPerSite?: number;
  /**
   * Leases that make `concurrencyPerSite` hold across every process of the installation (workers on
   * other machines included); without, it holds in this process.
   */
  sharedSlots?: SharedSiteSlots;
}

/**
 * Downloader on the yt-dlp executable. Captions first: manual subtitles, then automatic captions,
 * in the wanted languages; audio only when there are none (or `forceAudio`). Files in `outputDir`
 * are named by video id, never by title. Failures that retrying cannot fix are
 * `DownloadFailedError` (non-retriable) with a `reason`; rate limits are `RetryAfterError`.
 *
 * @example
 * const dl = new YtDlpDownloader({ converter: new FfmpegAudioConverter() });
 * const r = await dl.download('https://youtu.be/dQw4w9WgXcQ', { languages: ['auto'], forceAudio: false, maxDurationSeconds: 4 * 3600, outputDir: '/data/audio' });
 */
export class YtDlpDownloader implements Downloader {
  private readonly configuredPath: string;
  private readonly provisioner: YtDlpProvisioner | null;
  /** Shared by every run this process executes with this downloader. */
  readonly sites: SiteLimiter;
  private readonly converter: AudioConverter;
  private readonly freshness: YtDlpFreshness;
  private readonly extraArgs: readonly string[];
  private readonly metadataTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly egress: EgressPolicy;
  private readonly upstreamProxy: string | null;

  constructor(config: YtDlpConfig) {
    this.egress = config.egressPolicy ?? new EgressPolicy();
    this.upstreamProxy = config.upstreamProxy ?? null;
    this.configuredPath = config.ytDlpPath ?? 'yt-dlp';
    this.provisioner = config.provisioner ?? null;
    this.sites = new SiteLimiter(config.concurrencyPerSite ?? 0, config.sharedSlots);
    this.converter = config.converter;
    this.freshness = config.freshness ?? {};
    this.extraArgs = config.extraArgs ?? [];
    this.metadataTimeoutMs = config.metadataTimeoutMs ?? 120_000;
    this.log = config.onLog ?? (() => {});
  }

  /** The yt-dlp calls run now (the provisioner's once it installed one). */
  get path(): string {
    return this.provisioner?.current() ?? this.configuredPath;
  }

  async check(): Promise<{ name: string; version: string; path: string }> {
    let stdout: string;
    try {
      ({ stdout } = await runProcess(this.path, ['--version'], { timeoutMs: 30_000 }));
    } catch (e) {
      throw new DownloadFailedError(
        'not_installed',
        '',
        `yt-dlp is not usable at '${this.path}': ${(e as Error).message} ${YTDLP_INSTALL_HINT}`,
        { cause: e },
      );
    }
    const version = stdout.trim();
    if (!parseYtDlpVersion(version)) {
      throw new DownloadFailedError(
        'not_installed',
        '',
        `'${this.path} --version' printed '${version.slice(0, 80)}', which is not a yt-dlp version. ${YTDLP_INSTALL_HINT}`,
      );
    }
    const why = ytDlpTooOld(version, this.freshness);
    if (why) {
      throw new DownloadFailedError(
        'not_installed',
        '',
        `yt-dlp ${version} at '${this.path}' is too old (${why}; sites change and old versions fail). ${YTDLP_INSTALL_HINT}`,
      );
    }
    return { name: 'yt-dlp', version, path: this.path };
  }

  async expand(
    url: string,
    signal?: AbortSignal,
  ): Promise<{ url: string; videoId: string; title?: string }[]> {
    const parsed = parseVideoUrl(url);
    // A single YouTube video needs no network round trip.
    if (parsed.kind === 'video') return [{ url: parsed.url, videoId: parsed.videoId }];
    const target =
      parsed.kind === 'channel' && !/\/(videos|streams|shorts)$/.test(parsed.url)
        ? `${parsed.url}/videos`
        : parsed.url;
    const info = await this.sites.run(
      target,
      () => this.json(['--flat-playlist', '-J'], target, signal),
      signal,
    );
    const out: { url: string; videoId: string; title?: string }[] = [];
    const seen = new Set<string>();
    const visit = (item: YtDlpInfo, depth: number) => {
      if (item._type === 'playlist' && item.entries && depth < 3) {
        for (const e of item.entries) if (e) visit(e, depth + 1);
        return;
      }
      const entryUrl = entryUrlOf(item, target);
      const videoId = videoIdFor(item, entryUrl);
      if (seen.has(videoId)) return;
      seen.add(videoId);
      out.push({ url: entryUrl, videoId, ...(item.title ? { title: item.title } : {}) });
    };
    visit(info, 0);
    return out;
  }

  /** First `limit` entries of a playlist or channel (flat listing: one page read, no downloads). */
  async listEntries(url: string, opts: { limit: number; signal?: AbortSignal }): Promise<FeedListing> {
    const parsed = parseVideoUrl(url);
    const target =
      parsed.kind === 'channel' && !/\/(videos|streams|shorts)$/.test(parsed.url)
        ? `${parsed.url}/videos`
        : parsed.url;
    const limit = Math.max(1, Math.floor(opts.limit));
    const info = await this.sites.run(
      target,
      () => this.json(['--flat-playlist', '-J', '--playlist-end', String(limit)], target, opts.signal),
      opts.signal,
    );
    return toFeedListing(info, target);
  }

  async download(url: string, opts: DownloadOptions): Promise<DownloadResult> {
    const target = parseVideoUrl(url).url;
    if (this.sites.limit > 0 && this.sites.inFlight(siteOf(target)) >= this.sites.limit)
      opts.onProgress?.({
        fraction: 0,
        message: `waiting: ${this.sites.limit} download(s) from ${siteOf(target)} already running`,
      });
    return this.sites.run(target, () => this.downloadNow(target, opts), opts.signal, {
      onWait: (site) =>
        opts.onProgress?.({
          fraction: 0,
          message: `waiting: ${this.sites.limit} download(s) from ${site} already running on other workers`,
        }),
    });
  }

  private async downloadNow(target: string, opts: DownloadOptions): Promise<DownloadResult> {
    const { signal, onProgress } = opts;
    onProgress?.({ fraction: 0, message: 'reading video metadata' });
    let info = await this.json(['--no-playlist', '-J'], target, signal);
    if (info._type === 'playlist') {
      const first = info.entries?.find((e): e is YtDlpInfo => Boolean(e));
      if (!first)
        throw new DownloadFailedError(
          'unsupported_url',
          target,
          `No video was found at ${target} (an empty playlist or page).`,
        );
      info = first;
    }
    const metadata = toVideoMetadata(info, target);
    checkDuration(metadata, opts.maxDurationSeconds, target);
    if (info.is_live || info.live_status === 'is_live' || info.live_status === 'is_upcoming') {
      throw new DownloadFailedError(
        'not_started',
        target,
        `${target} is a live stream that is still running or has not started; send it again when the recording is available.`,
      );
    }
    await mkdir(opts.outputDir, { recursive: true });
    const stem = metadata.videoId;
    await removeStalePartials(opts.outputDir, stem);
    // Later calls reuse this file instead of fetching the page again (--load-info-json).
    const infoPath = join(opts.outputDir, `${stem}.info.json`);
    await writeFile(infoPath, JSON.stringify(info));
    try {
      const choice = pickCaption(info, opts.languages);
      const captions = choice ? await this.fetchCaptions(choice, infoPath, stem, opts, target) : null;
      if (captions && !opts.forceAudio) {
        onProgress?.({
          fraction: 1,
          message: `using ${captions.automatic ? 'automatic' : 'manual'} ${captions.language} captions`,
        });
        return { metadata, audioPath: null, audioBytes: null, captions };
      }
      if (hasNoAudio(info)) {
        throw new DownloadFailedError(
          'no_audio',
          target,
          `${target} has no audio track and no captions in ${opts.languages.join(', ')}, so there is nothing to transcribe.`,
        );
      }
      const audio = await this.fetchAudio(infoPath, stem, metadata, opts, target);
      return { metadata: audio.metadata, audioPath: audio.path, audioBytes: audio.bytes, captions };
    } finally {
      await rm(infoPath, { force: true });
    }
  }

  private async fetchCaptions(
    choice: CaptionChoice,
    infoPath: string,
    stem: string,
    opts: DownloadOptions,
    target: string,
  ): Promise<CaptionTrack | null> {
    const args = [
      '--load-info-json',
      infoPath,
      '--skip-download',
      choice.automatic ? '--write-auto-subs' : '--write-subs',
      '--sub-langs',
      choice.key,
      '--sub-format',
      choice.format,
      '-o',
      join(opts.outputDir, `${stem}.%(ext)s`),
    ];
    try {
      await this.run(args, target, opts.signal);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      // Captions are a shortcut; when they fail the audio path still works.
      this.log(
        `captions ${choice.key} for ${target} could not be downloaded, falling back to audio: ${(e as Error).message}`,
      );
      return null;
    }
    const path = join(opts.outputDir, `${stem}.${choice.key}.${choice.format}`);
    try {
      const { segments } = parseCaptions(await readFile(path, 'utf8'), {
        format: choice.format,
        filename: path,
      });
      if (!segments.length) {
        this.log(`captions ${choice.key} for ${target} are empty, falling back to audio`);
        return null;
      }
    } catch (e) {
      this.log(
        `captions ${choice.key} for ${target} are unusable, falling back to audio: ${(e as Error).message}`,
      );
      return null;
    }
    return { language: choice.language, automatic: choice.automatic, format: choice.format, path };
  }

  private async fetchAudio(
    infoPath: string,
    stem: string,
    metadata: VideoMetadata,
    opts: DownloadOptions,
    target: string,
  ): Promise<{ path: string; bytes: number; metadata: VideoMetadata }> {
    const sourceStem = `${stem}.source`;
    const args = [
      '--load-info-json',
      infoPath,
      '-f',
      'bestaudio/best',
      '--newline',
      '--progress-template',
      PROGRESS_TEMPLATE,
      '--no-part',
      '-o',
      join(opts.outputDir, `${sourceStem}.%(ext)s`),
    ];
    opts.onProgress?.({ fraction: 0, message: 'downloading audio' });
    await this.run(args, target, opts.signal, (line) => {
      const p = parseProgressLine(line);
      if (p) opts.onProgress?.(p.fraction === undefined ? p : { ...p, fraction: p.fraction * 0.9 });
    });
    const source = (await readdir(opts.outputDir)).find((f) => f.startsWith(`${sourceStem}.`));
    if (!source)
      throw new DownloadFailedError(
        'no_audio',
        target,
        `yt-dlp finished but wrote no media file for ${target}.`,
      );
    const sourcePath = join(opts.outputDir, source);
    const wavPath = join(opts.outputDir, `${stem}.wav`);
    opts.onProgress?.({ fraction: 0.9, message: 'converting audio to 16 kHz mono WAV' });
    try {
      const wav = await this.converter.toWav16kMono(sourcePath, wavPath, opts.signal).catch((e: unknown) => {
        // Say it in the downloader's terms: the video (not some temp file) has no audio.
        if (e instanceof MediaError && e.problem === 'no_audio') {
          throw new DownloadFailedError(
            'no_audio',
            target,
            `'${metadata.title}' (${target}) has no audio track and no captions in ${opts.languages.join(', ')}, so there is nothing to transcribe.`,
            { cause: e },
          );
        }
        throw e;
      });
      const withDuration = {
        ...metadata,
        durationSeconds: metadata.durationSeconds ?? Math.round(wav.durationSeconds * 1000) / 1000,
      };
      try {
        checkDuration(withDuration, opts.maxDurationSeconds, target);
      } catch (e) {
        await rm(wavPath, { force: true });
        throw e;
      }
      opts.onProgress?.({ fraction: 1, message: 'audio ready' });
      return { path: wav.path, bytes: (await stat(wav.path)).size, metadata: withDuration };
    } finally {
      await rm(sourcePath, { force: true });
    }
  }

  private async json(args: string[], target: string, signal?: AbortSignal): Promise<YtDlpInfo> {
    const { stdout } = await this.run(args, target, signal, undefined, this.metadataTimeoutMs);
    try {
      return JSON.parse(stdout) as YtDlpInfo;
    } catch (e) {
      throw new DownloadFailedError(
        'unsupported_url',
        target,
        `yt-dlp returned no video information for ${target} (output was not JSON: '${stdout.slice(0, 80)}').`,
        { cause: e },
      );
    }
  }

  private async run(
    args: string[],
    target: string,
    signal?: AbortSignal,
    onLine?: (line: string) => void,
    timeoutMs?: number,
  ): Promise<{ stdout: string; stderr: string }> {
    // The URL we were given is checked here for a clear error; every later hop by the proxy.
    if (!args.includes('--load-info-json')) await this.assertFetchable(target);
    const ytDlp = this.provisioner ? (await this.provisioner.ensure()).path : this.configuredPath;
    const proxy = await startEgressProxy({ policy: this.egress, upstream: this.upstreamProxy });
    // --ignore-config: a user's yt-dlp.conf must not change our output names or formats.
    // --proxy last: it wins over any --proxy in extraArgs (that one is the upstream's job).
    const full = [
      '--ignore-config',
      '--no-warnings',
      '--no-color',
      ...this.extraArgs,
      '--proxy',
      proxy.url,
      ...args,
      ...(args.includes('--load-info-json') ? [] : ['--', target]),
    ];
    try {
      return await runProcess(ytDlp, full, {
        signal,
        timeoutMs,
        onStdoutLine: onLine,
        maxOutputBytes: 64 * 1024 * 1024,
      });
    } catch (e) {
      const refused = proxy.refusals[0];
      if (refused && !signal?.aborted) {
        throw new DownloadFailedError('blocked_address', target, refused.message, { cause: e });
      }
      if (!(e instanceof ProcessError)) throw e;
      if (e.kind === 'spawn') {
        throw new DownloadFailedError('not_installed', target, `${e.message} ${YTDLP_INSTALL_HINT}`, {
          cause: e,
        });
      }
      if (e.kind === 'exit') throw classifyYtDlpError(e.stderrTail, target, e);
      throw e; // aborted or timed out: the run machinery decides
    } finally {
      await proxy.close();
    }
  }

  private async assertFetchable(target: string): Promise<void> {
    try {
      await this.egress.assertPublicUrl(target);
    } catch (e) {
      if (e instanceof EgressRefusedError)
        throw new DownloadFailedError('blocked_address', target, e.message);
      if (e instanceof TypeError)
        throw new DownloadFailedError(
          'unsupported_url',
          target,
          `'${target.slice(0, 200)}' is not a valid URL.`,
        );
      throw e;
    }
  }
}

function checkDuration(metadata: VideoMetadata, maxSeconds: number, target: string): void {
  const d = metadata.durationSeconds;
  if (d !== null && d > maxSeconds) {
    throw new DownloadFailedError(
      'too_long',
      target,
      `'${metadata.title}' is ${formatDuration(d * 1000)} long, over the configured maximum of ${formatDuration(maxSeconds * 1000)} (${target}). Raise the maximum duration to ingest it.`,
    );
  }
}

/**
 * A download killed half-way (the worker died) leaves a truncated `<id>.source.*` (written with
 * --no-part, so yt-dlp would take it as finished and skip the download), `.part`/`.ytdl` files and
 * converter leftovers. A retried download starts clean instead of converting a truncated file.
 */
async function removeStalePartials(dir: string, stem: string): Promise<void> {
  const stale = (await readdir(dir)).filter(
    (f) =>
      f.startsWith(`${stem}.source.`) ||
      (f.startsWith(`${stem}.`) && /\.(part|ytdl|part-Frag\d+|temp)$/.test(f)) ||
      f === `${stem}.wav.part`,
  );
  await Promise.all(stale.map((f) => rm(join(dir, f), { force: true })));
}
