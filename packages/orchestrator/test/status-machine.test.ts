import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../src/errors.ts';
import { allowedFrom, assertCan, canTransition, RUN } from '../src/runs/status-machine.ts';
import { RUN_STATUSES } from '../src/runs/types.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('run status machine', () => {
  it('every named transition is an arrow of the one table', () => {
    for (const t of Object.values(RUN)) {
      expect(t.from.length, t.name).toBeGreaterThan(0);
      for (const from of t.from) expect(canTransition(from, t.to), `${t.name}: ${from} → ${t.to}`).toBe(true);
      expect(allowedFrom(t.to)).toEqual(expect.arrayContaining([...t.from]));
    }
    // Terminal statuses go nowhere.
    for (const s of RUN_STATUSES)
      if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(s)) expect(allowedFrom(s).includes(s)).toBe(false);
  });

  it('a refused transition raises InvalidTransitionError', () => {
    expect(() => assertCan({ runId: 'r1', status: 'SUCCESS' }, RUN.requestCancel)).toThrow(
      InvalidTransitionError,
    );
    expect(() => assertCan({ runId: 'r1', status: 'STARTED' }, RUN.requestCancel)).not.toThrow();
  });

  it('no call site outside storage writes its own list of statuses to move from', () => {
    const root = join(import.meta.dirname, '..', 'src');
    const offenders = sources(root)
      .filter((f) => !f.includes(`${join('src', 'storage')}`))
      .filter((f) => /transitionRuns?\(\s*[\w.]+,\s*\[/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
