/*
 * A local "video site" (HTML5 <video> + <track> pages with speech made by espeak-ng and ffmpeg).
 * The real yt-dlp downloads from it exactly as from a web page. Used by `llm-rag-yt demo`
 * (no internet needed) and by end-to-end tests.
 */
export {
  startVideoPageServer,
  type TestVideo,
  type VideoPageServer,
} from './video-page-server.ts';
