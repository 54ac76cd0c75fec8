// Public entry point: how durations and video times read, the same in the CLI, the bot and the web UI.
export { formatClock, formatDuration } from './format.ts';
