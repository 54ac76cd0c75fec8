import type { Command } from 'commander';
import { EXIT, formatTime } from '../io.ts';
import { adapters, ytDlpStatus } from '../ytdlp-managed.ts';
import { type CommandEnv, json, out } from './env.ts';

/*
 * `llm-rag-yt yt-dlp status|update`: which yt-dlp the pipeline uses, and installing the current
 * release into the data folder (verified against SHA2-256SUMS) when it is missing or old.
 * Needs no database: only config and the adapters' yt-dlp release module.
 */

/** A managed install younger than this is current enough for `update` without --force. */
const FRESH_MS = 24 * 3600_000;

export function registerYtDlpCommands(program: Command, env: CommandEnv): void {
  const group = program.command('yt-dlp').description('The yt-dlp that downloads videos: status and updates');
  group
    .command('status')
    .description('Path, version, age and origin of the yt-dlp in use')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const config = env.config();
      const s = await ytDlpStatus(config);
      if (o.json) json(env, s);
      else {
        out(
          env,
          `path     ${s.path} (${s.source === 'managed' ? 'installed by llm-rag-yt' : s.source === 'config' ? 'YTDLP_PATH' : 'found on PATH'})`,
        );
        out(env, `version  ${s.version ?? `not usable: ${s.error}`}`);
        if (s.ageDays !== null) out(env, `age      ${s.ageDays} days`);
        if (s.installedAt) out(env, `installed ${formatTime(s.installedAt)} from ${s.releaseUrl}`);
        out(
          env,
          `needed   ${s.rule}${config.ytdlp.maxAgeDays !== null ? ` (today: ${s.minVersion} or newer)` : ''}`,
        );
        if (s.tooOld)
          out(
            env,
            `This yt-dlp is ${s.version ? `too old (${s.tooOldReason})` : 'missing'}: run \`llm-rag-yt yt-dlp update\` to install the current release${config.ytdlp.autoInstall ? ' (downloads also install it before the first download)' : ''}.`,
          );
      }
      if (s.tooOld) env.setExitCode(EXIT.FAILED);
    });
  group
    .command('update')
    .description('Install the current yt-dlp release into the data folder (verified against SHA2-256SUMS)')
    .option('-f, --force', 'download even when the installed release is current')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const config = env.config();
      const a = await adapters();
      const managed = await a.readManaged(config.ytdlp.binDir);
      if (!o.force && managed && Date.now() - managed.installedAt < FRESH_MS) {
        const msg = `yt-dlp ${managed.version} was installed ${Math.round((Date.now() - managed.installedAt) / 60_000)} min ago; it is current (--force downloads it again).`;
        if (o.json) json(env, { updated: false, ...managed });
        else out(env, msg);
        return;
      }
      const bar = !o.json && env.io.stderr.isTTY ? await progressBar(env) : null;
      try {
        const installed = await a.installYtDlp({
          binDir: config.ytdlp.binDir,
          releaseUrl: config.ytdlp.releaseUrl,
          onProgress: (p) => bar?.update(p),
        });
        bar?.stop();
        if (config.ytdlp.configuredPath)
          env.io.stderr.write(
            `note: YTDLP_PATH=${config.ytdlp.configuredPath} is set and wins over the installed release; unset it to use ${installed.path}.\n`,
          );
        if (o.json) json(env, { updated: true, ...installed });
        else out(env, `✔ yt-dlp ${installed.version} installed at ${installed.path} (SHA2-256 verified)`);
      } catch (e) {
        bar?.stop();
        if (managed)
          env.io.stderr.write(`The installed yt-dlp ${managed.version} (${managed.path}) stays in use.\n`);
        throw e;
      }
    });
}

/** A download bar on stderr, loaded only when drawn. */
async function progressBar(env: CommandEnv) {
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    {
      format: ' yt-dlp {bar} {percentage}% | {value}/{total} KB',
      stream: env.io.stderr as NodeJS.WritableStream,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: { received: number; total: number | null }) {
      const kb = Math.round(p.received / 1024);
      const total = p.total ? Math.round(p.total / 1024) : Math.max(kb, 1);
      if (!started) {
        bar.start(total, kb);
        started = true;
      } else bar.update(kb);
      if (!p.total) bar.setTotal(total);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
