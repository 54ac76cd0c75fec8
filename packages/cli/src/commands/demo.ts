import { startVideoPageServer } from '@llm-rag-yt/adapters';
import { EXIT } from '../io.ts';
import { ytDlpStatus } from '../ytdlp-managed.ts';
import { type CommandEnv, openAppLazy, out } from './env.ts';
import { clock } from './rag.ts';

const SPEECH = [
  'Welcome to the llm-rag-yt demo.',
  'Sensors watch the database for new video links and start the processing job.',
  'Captions are used first; speech recognition only runs when a video has no subtitles.',
  'Every answer cites the video and the second where the passage starts.',
];

/**
 * The README's first command: with no internet, generate a short spoken video with captions, serve it
 * on 127.0.0.1, send its URL through youtube_processing_job exactly like a YouTube link, and ask it.
 */
export async function runDemo(env: CommandEnv): Promise<void> {
  const vtt = `WEBVTT\n\n${SPEECH.map((line, i) => `00:00:${String(i * 4).padStart(2, '0')}.000 --> 00:00:${String(i * 4 + 4).padStart(2, '0')}.000\n${line}\n`).join('\n')}`;
  out(env, 'Generating a demo video (espeak-ng + ffmpeg) and serving it on 127.0.0.1…');
  const site = await startVideoPageServer({
    videos: [
      {
        id: 'llm-rag-yt-demo',
        title: 'llm-rag-yt demo: how the pipeline works',
        speech: SPEECH.join(' '),
        vttText: vtt,
      },
    ],
  });
  // The demo's own page is on loopback, which the SSRF fence refuses for user URLs: allow it here.
  // Any yt-dlp reads the local page, and the demo works offline: no release download for it.
  const cfg = env.config();
  const demoEnv: CommandEnv = {
    io: env.io,
    setExitCode: (code) => env.setExitCode(code),
    config: () => ({
      ...cfg,
      fetch: { ...cfg.fetch, allowHosts: [...cfg.fetch.allowHosts, '127.0.0.1'] },
      ytdlp: { ...cfg.ytdlp, autoInstall: false },
    }),
  };
  const ytdlp = await ytDlpStatus(cfg);
  if (ytdlp.version && ytdlp.tooOld)
    env.io.stderr.write(
      `note: yt-dlp ${ytdlp.version} is too old for YouTube (${ytdlp.tooOldReason}); fine for this local demo. Before YouTube links: \`llm-rag-yt yt-dlp update\`${cfg.ytdlp.autoInstall ? ' (or let the first download install it)' : ''}.\n`,
    );
  const app = await openAppLazy(demoEnv, 'cli');
  try {
    const url = site.pageUrl('llm-rag-yt-demo');
    out(env, `Ingesting ${url} with youtube_processing_job (database: ${app.config.databaseUrl})`);
    const submitted = await app.rag.submitUrls([url], { source: 'cli', force: true });
    if (submitted.requests.length === 0) {
      out(env, `Rejected: ${submitted.rejected.map((r) => r.reason).join('; ')}`);
      env.setExitCode(EXIT.FAILED);
      return;
    }
    const stop = await app.ensureExecutor();
    let final = submitted.requests[0]!;
    try {
      let last = '';
      while (final.status !== 'completed' && final.status !== 'failed') {
        await new Promise((r) => setTimeout(r, 250));
        final = (await app.rag.getRequest(final.id)) ?? final;
        if (final.stage !== last) out(env, `  … ${final.stage}`);
        last = final.stage;
      }
    } finally {
      await stop();
    }
    if (final.status !== 'completed') {
      out(env, `✖ ingestion failed: ${final.error}`);
      env.setExitCode(EXIT.FAILED);
      return;
    }
    out(env, `✔ indexed (run ${final.runId})`);
    const question = 'When does speech recognition run?';
    const answer = await app.rag.ask(question, { source: 'cli', topK: 3 });
    out(env, `\nQ: ${question}\nA: ${answer.answer}\n`);
    for (const [i, c] of answer.citations.entries())
      out(env, `[${i + 1}] ${c.title} ${clock(c.start)}–${clock(c.end)} ${c.url}`);
    out(
      env,
      '\nNext: `npx llm-rag-yt dev` opens the web UI on http://127.0.0.1:3000 with this run, its assets and the answer.',
    );
  } finally {
    await app.close();
    await site.close();
  }
}
