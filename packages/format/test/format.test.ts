import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration } from '../src/index.ts';

describe('formatDuration', () => {
  it('reads in ms, seconds, minutes and hours', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(950.4)).toBe('950 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(4_500_000)).toBe('1 h 15 min');
  });

  it('never shows 60 of a unit at a boundary, nor a negative or missing time', () => {
    expect(formatDuration(59_970)).toBe('1 min 0 s');
    expect(formatDuration(119_600)).toBe('2 min 0 s');
    expect(formatDuration(3_599_700)).toBe('1 h 0 min');
    expect(formatDuration(-5)).toBe('0 ms');
    expect(formatDuration(Number.NaN)).toBe('0 ms');
  });
});

describe('formatClock', () => {
  it('writes m:ss, h:mm:ss from an hour, and two-digit minutes on request', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(83.7)).toBe('1:23');
    expect(formatClock(83.7, { padMinutes: true })).toBe('01:23');
    expect(formatClock(3725)).toBe('1:02:05');
    expect(formatClock(3725, { padMinutes: true })).toBe('1:02:05');
    expect(formatClock(-3)).toBe('0:00');
    expect(formatClock(Number.POSITIVE_INFINITY, { padMinutes: true })).toBe('00:00');
  });
});
