/*
 * Settings every test that runs the CLI (in-process `main()` or a child process) starts from.
 * CI has no internet and the system's yt-dlp is older than the default YTDLP_MAX_AGE_DAYS: without
 * this, each download would first try to install the current release from github.com. The tests
 * of that install set YTDLP_AUTO_INSTALL=true with a local stand-in YTDLP_RELEASE_URL.
 */
export const OFFLINE_CLI_ENV: Readonly<Record<string, string>> = Object.freeze({
  YTDLP_AUTO_INSTALL: 'false',
});
