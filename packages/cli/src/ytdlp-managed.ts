import type { YtDlpStatus } from '@llm-rag-yt/adapters';
import type { Config } from './config.ts';

/*
 * The yt-dlp in use (YTDLP_PATH, our install in <home>/bin, or PATH) and keeping it current:
 * shared by `llm-rag-yt yt-dlp status|update` and the weekly ytdlp_update_job.
 */

export const adapters = () => import('@llm-rag-yt/adapters');

/** The yt-dlp in use and whether it is too old at `now` (the same rule downloads and health use). */
export async function ytDlpStatus(config: Config, now = Date.now()): Promise<YtDlpStatus> {
  const a = await adapters();
  const managed = await a.readManaged(config.ytdlp.binDir);
  const path = config.tools.ytdlp;
  const source: 'managed' | 'config' | 'PATH' = config.ytdlp.configuredPath
    ? 'config'
    : managed && managed.path === path
      ? 'managed'
      : 'PATH';
  const probe = await a.probeYtDlp(path);
  const rule = { minVersion: config.ytdlp.minVersion, maxAgeDays: config.ytdlp.maxAgeDays };
  const why = probe.version ? a.ytDlpTooOld(probe.version, rule, now) : null;
  return {
    path,
    version: probe.version,
    ageDays: probe.version ? a.versionAgeDays(probe.version, now) : null,
    source,
    tooOld: !probe.version || why !== null,
    ...(why ? { tooOldReason: why } : {}),
    minVersion: a.requiredYtDlpVersion(rule, now),
    rule: a.describeFreshness(rule),
    ...(probe.error ? { error: probe.error } : {}),
    ...(managed && source === 'managed'
      ? { installedAt: managed.installedAt, releaseUrl: managed.source }
      : {}),
  };
}

/** A managed install older than this is refreshed by the weekly ytdlp_update_schedule. */
const WEEK_MS = 7 * 24 * 3600_000;

/**
 * What `ytdlp_update_job` does: installs the current release when the yt-dlp in use is missing or
 * older than the minimum, or is our own install and a week old. A working YTDLP_PATH or PATH
 * yt-dlp is left alone (the operator chose it).
 */
export async function ensureCurrentYtDlp(config: Config, now = Date.now()): Promise<string> {
  const a = await adapters();
  const s = await ytDlpStatus(config, now);
  const managed = await a.readManaged(config.ytdlp.binDir);
  const stale = s.source === 'managed' && managed !== null && now - managed.installedAt > WEEK_MS;
  if (!s.tooOld && !stale)
    return `yt-dlp ${s.version} (${s.source}, ${s.ageDays ?? '?'} days old) is current enough; nothing to do.`;
  const installed = await a.installYtDlp({
    binDir: config.ytdlp.binDir,
    releaseUrl: config.ytdlp.releaseUrl,
  });
  const why = s.tooOld
    ? `${s.path} was ${s.version ? `too old (${s.version}: ${s.tooOldReason})` : 'missing'}`
    : 'the installed release was a week old';
  const restart =
    s.path === installed.path || config.ytdlp.configuredPath
      ? ''
      : ' Processes started before now use it after a restart.';
  const pinned = config.ytdlp.configuredPath
    ? ` YTDLP_PATH=${config.ytdlp.configuredPath} still wins; unset it to use this one.`
    : '';
  return `Installed yt-dlp ${installed.version} at ${installed.path} (${why}).${restart}${pinned}`;
}
