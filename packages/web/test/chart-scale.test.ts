import { describe, expect, it } from 'vitest';
import { LONE_POINT_SPAN, timeRange, timeTick } from '../src/components/chart-scale.ts';

describe('chart time axis', () => {
  it('draws one point (or points at one time) an hour either side, not years wide', () => {
    const t = 1_764_000_000;
    expect(timeRange(t, t)).toEqual([t - LONE_POINT_SPAN, t + LONE_POINT_SPAN]);
    expect(timeRange(t, t + 600)).toEqual([t, t + 600]);
    const [lo, hi] = timeRange(null, null);
    expect(hi - lo).toBe(LONE_POINT_SPAN);
  });

  it('labels ticks at the precision their spacing needs', () => {
    const t = new Date(2026, 0, 2, 13, 4, 5, 678).getTime() / 1000;
    expect(timeTick(t, 0.5)).toBe('04:05.678');
    expect(timeTick(t, 30)).toBe('13:04:05');
    expect(timeTick(t, 3600)).toBe('13:04');
  });
});
