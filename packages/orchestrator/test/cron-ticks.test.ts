import { describe, expect, it } from 'vitest';
import { nextCronTime } from '../src/scheduling/cron.ts';
import {
  isSensorDue,
  nextSensorTickAt,
  planScheduleTick,
  scheduleRunKey,
  sensorRunKey,
} from '../src/scheduling/schedule-ticks.ts';

const HOUR = 3600_000;
const t = (iso: string) => Date.parse(iso);

describe('planScheduleTick', () => {
  it('never-ticked schedules start from now and fire nothing for the past', () => {
    const now = t('2024-05-01T10:30:00Z');
    expect(planScheduleTick({ cron: '0 * * * *', timezone: 'UTC', lastTickAt: null, now })).toEqual({
      fire: null,
      skipped: [],
      skippedCount: 0,
      lastTickAt: now,
    });
  });

  it('fires the due tick once; the same plan after storing lastTickAt fires nothing (no double fire)', () => {
    const last = t('2024-05-01T10:00:00Z');
    const now = t('2024-05-01T11:00:05Z');
    const p1 = planScheduleTick({ cron: '0 * * * *', timezone: 'UTC', lastTickAt: last, now });
    expect(p1.fire).toBe(t('2024-05-01T11:00:00Z'));
    expect(p1.skipped).toEqual([]);
    const p2 = planScheduleTick({
      cron: '0 * * * *',
      timezone: 'UTC',
      lastTickAt: p1.lastTickAt,
      now: now + 1000,
    });
    expect(p2.fire).toBeNull();
    expect(p2.lastTickAt).toBe(p1.lastTickAt);
  });

  it('after downtime only the newest missed tick fires; older ones are skipped (no storm)', () => {
    const last = t('2024-05-01T00:00:00Z');
    const now = t('2024-05-02T00:30:00Z');
    const p = planScheduleTick({ cron: '0 * * * *', timezone: 'UTC', lastTickAt: last, now });
    expect(p.fire).toBe(t('2024-05-02T00:00:00Z'));
    expect(p.skippedCount).toBe(23);
    expect(p.skipped).toHaveLength(10);
    expect(p.skipped.at(-1)).toBe(t('2024-05-01T23:00:00Z'));
    expect(p.lastTickAt).toBe(p.fire);
  });

  it('honours the timezone across DST changes: one fire per day, at local time', () => {
    // Europe/Berlin: 2024-03-31 02:00 → 03:00 (02:30 does not exist); 2024-10-27 03:00 → 02:00 (02:30 twice).
    const cron = '30 2 * * *';
    const tz = 'Europe/Berlin';
    const fires: number[] = [];
    let last = t('2024-10-25T12:00:00Z');
    for (let now = last; now <= t('2024-10-29T12:00:00Z'); now += HOUR / 2) {
      const p = planScheduleTick({ cron, timezone: tz, lastTickAt: last, now });
      if (p.fire !== null) fires.push(p.fire);
      last = p.lastTickAt;
    }
    expect(fires.map((f) => new Date(f).toISOString())).toEqual([
      '2024-10-26T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T00:30:00.000Z', // 02:30 CEST, first of the two 02:30s — fired once only
      '2024-10-28T01:30:00.000Z', // 02:30 CET
      '2024-10-29T01:30:00.000Z',
    ]);
    const spring = planScheduleTick({
      cron,
      timezone: tz,
      lastTickAt: t('2024-03-30T12:00:00Z'),
      now: t('2024-03-31T12:00:00Z'),
    });
    expect(spring.fire).not.toBeNull();
    expect(spring.skippedCount).toBe(0);
    expect(nextCronTime(cron, 'UTC', t('2024-03-31T00:00:00Z'))).toBe(t('2024-03-31T02:30:00Z'));
  });

  it('builds stable run keys', () => {
    expect(scheduleRunKey('nightly', t('2024-05-01T00:00:00Z'))).toBe(
      'schedule:nightly:2024-05-01T00:00:00.000Z',
    );
    expect(sensorRunKey('urls', 'abc')).toBe('sensor:urls:abc');
  });
});

describe('sensor timing', () => {
  it('is due when never ticked or after the minimum interval', () => {
    expect(isSensorDue(null, 30, 1000)).toBe(true);
    expect(isSensorDue(0, 30, 29_999)).toBe(false);
    expect(isSensorDue(0, 30, 30_000)).toBe(true);
    expect(nextSensorTickAt(0, 30, 10_000)).toBe(30_000);
    expect(nextSensorTickAt(null, 30, 10_000)).toBe(10_000);
  });
});
