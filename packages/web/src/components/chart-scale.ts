/*
 * The time axis of the charts, as plain functions (x values are epoch seconds, as uPlot wants).
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * One time-axis label at the precision the tick spacing needs (`incr` is in seconds, like x):
 * uPlot's defaults print milliseconds on every tick when points are close together, and those
 * wide labels overlap.
 */
export function timeTick(seconds: number, incr: number): string {
  const d = new Date(seconds * 1000);
  if (incr < 1) return `${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  if (incr < 60) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (incr < 86_400) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Seconds shown either side of a lone point (or of points all at one time). */
export const LONE_POINT_SPAN = 3600;

/**
 * The x range to draw: the data's own, except that a zero-width range (one point) becomes an hour
 * either side of it. uPlot widens a zero-width time range by itself, to an empty axis years wide.
 */
export function timeRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
    const now = Date.now() / 1000;
    return [now - LONE_POINT_SPAN, now];
  }
  return min === max ? [min - LONE_POINT_SPAN, max + LONE_POINT_SPAN] : [min, max];
}
