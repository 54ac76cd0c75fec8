import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Definitions } from '../definitions/definitions.ts';
import { errorMessage } from '../errors.ts';
import type { OrchestratorLogger } from '../logging/logger.ts';
import { IN_PROGRESS_STATUSES } from '../runs/types.ts';
import { isSensorDue } from '../scheduling/schedule-ticks.ts';
import type { Storage, Tick } from '../storage/types.ts';
import { IdleWait } from './idle-wait.ts';
import type { DaemonLauncher } from './launcher.ts';
import { onLocalWake } from './local-wake.ts';
import { type RetentionReport, runRetentionStep } from './retention.ts';
import { type RunMonitorReport, runMonitorStep } from './run-monitor.ts';
import { runQueueStep } from './run-queue.ts';
import { runScheduleTick } from './schedule-tick.ts';
import { runSensorTick } from './sensor-tick.ts';
import { type InstanceSettings, NOOP_LOGGER, resolveSettings } from './settings.ts';
import type { WakeRequests } from './wake-requests.ts';
import { isPidAlive } from './worker-liveness.ts';

export interface DaemonOptions {
  readonly storage: Storage;
  readonly definitions: Definitions;
  readonly launcher: DaemonLauncher;
  readonly settings?: Partial<InstanceSettings>;
  /** Unique per process; also the lease holder. Default `<host>:<pid>:<random>`. */
  readonly id?: string;
  /** Worker id the in-process launcher executes runs under (give the launcher the same id); null when runs execute elsewhere (BullMQ). Default: `id`. */
  readonly localWorkerId?: string | null;
  /** Cross-process wake-ups (CLI, web, bot in other processes). */
  readonly wakeRequests?: WakeRequests;
  readonly log?: OrchestratorLogger;
  readonly timing?: Partial<DaemonTiming>;
  /** Injectable for tests. */
  readonly isPidAlive?: (pid: number) => boolean;
}

export interface DaemonTiming {
  heartbeatIntervalMs: number;
  /** Leader lease length; renewed every third of it. */
  leaseTtlMs: number;
  /** Longest a sensor evaluation may take. */
  sensorTimeoutMs: number;
  /** How long an iteration waits for sensor evaluations before moving on (they finish in the background). */
  sensorWaitMs: number;
  /** How often sensors/schedules are checked for being due (wakes bypass it). */
  instigatorCheckMs: number;
  monitorIntervalMs: number;
  idleWaitMs: number;
  wakePollMs: number;
  /**
   * After runs end elsewhere (a run-ended notification) while runs wait for a slot, the next pass starts
   * no sooner than this after the previous one began: under load one pass then fills the slots of many
   * ended runs instead of one pass per notification; idle, it adds at most this to a slot's refill.
   */
  slotRefillMs: number;
  timeoutGraceMs: number;
  startingTimeoutMs: number;
  /** Retention pruning runs at most this often. */
  retentionIntervalMs: number;
}

const DEFAULT_TIMING: DaemonTiming = {
  heartbeatIntervalMs: 5000,
  leaseTtlMs: 15_000,
  sensorTimeoutMs: 60_000,
  sensorWaitMs: 1000,
  instigatorCheckMs: 1000,
  monitorIntervalMs: 1000,
  idleWaitMs: 200,
  slotRefillMs: 5,
  wakePollMs: 100,
  timeoutGraceMs: 30_000,
  startingTimeoutMs: 300_000,
  retentionIntervalMs: 3_600_000,
};

/** What one iteration did; plain data for tests and logs. */
export interface IterationReport {
  readonly now: number;
  readonly leader: boolean;
  readonly sensorTicks: Tick[];
  readonly scheduleTicks: Tick[];
  readonly launched: string[];
  /** Queued runs still waiting after this iteration. */
  readonly waiting: number;
  readonly monitor: RunMonitorReport | null;
  readonly retention: RetentionReport | null;
  /** Steps that failed in this iteration (the others still ran). */
  readonly errors: string[];
}

/**
 * Sensors, schedules, run queue, run monitor, retention and heartbeat in one `runIteration(now)`.
 * `start()` is a thin loop around it. Only the holder of the `daemon` lease acts; others stand by.
 *
 * @example
 * const daemon = new Daemon({ storage, definitions, launcher, settings: { maxConcurrentRuns: 5 } });
 * daemon.start(); … await daemon.stop();
 */
export class Daemon {
  readonly id: string;
  readonly localWorkerId: string | null;
  readonly settings: InstanceSettings;
  readonly #o: DaemonOptions;
  readonly #t: DaemonTiming;
  readonly #log: OrchestratorLogger;
  readonly #self = { hostname: hostname(), pid: process.pid };
  readonly #startedAt = Date.now();
  #leader = false;
  #leaseAt = Number.NEGATIVE_INFINITY;
  #heartbeatAt = Number.NEGATIVE_INFINITY;
  #instigatorsAt = Number.NEGATIVE_INFINITY;
  #monitorAt = Number.NEGATIVE_INFINITY;
  #retentionAt = Number.NEGATIVE_INFINITY;
  #tickCapAt = Number.NEGATIVE_INFINITY;
  readonly #woken = new Set<string>();
  readonly #inflight = new Map<string, Promise<void>>();
  #finishedTicks: Tick[] = [];
  readonly #idle = new IdleWait();
  #loop: Promise<void> | null = null;
  #stopping = false;
  #unsubscribe: (() => void) | null = null;
  #activeAfterIteration = 0;
  /** The LISTEN subscription for wake-ups (Postgres), resolving to its unsubscribe; null when polling. */
  #listening: Promise<(() => Promise<void>) | null> | null = null;
  #wakeNotified = false;
  #wakesTakenAt = Number.NEGATIVE_INFINITY;
  #waitingAfterIteration = 0;
  #inProgressAfterIteration = 0;
  #iterationStartedAt = Number.NEGATIVE_INFINITY;
  #refill: NodeJS.Timeout | null = null;

  constructor(options: DaemonOptions) {
    this.#o = options;
    this.#t = { ...DEFAULT_TIMING, ...(options.timing ?? {}) };
    this.#log = options.log ?? NOOP_LOGGER;
    this.settings = resolveSettings(options.settings);
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.localWorkerId = options.localWorkerId === undefined ? this.id : options.localWorkerId;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Evaluates `sensorName` in the next iteration regardless of its interval (if it is RUNNING); no name = just look at the queue. */
  wake(sensorName?: string | null): void {
    // The run queue is looked at in every iteration, so waking the loop is all a queue nudge needs.
    if (sensorName) this.#woken.add(sensorName);
    this.#idle.wake();
  }

  async runIteration(now: number): Promise<IterationReport> {
    this.#iterationStartedAt = Date.now();
    const errors: string[] = [];
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (e) {
        errors.push(`${name}: ${errorMessage(e)}`);
        this.#log.error({ daemonId: this.id }, `daemon ${name} failed: ${errorMessage(e)}`);
        return null;
      }
    };
    await step('heartbeat', () => this.#heartbeat(now));
    await step('leader lease', () => this.#lease(now));
    const base = { now, leader: this.#leader, sensorTicks: [], scheduleTicks: [], launched: [], waiting: 0 };
    if (!this.#leader) return { ...base, monitor: null, retention: null, errors };

    // Subscribed (Postgres LISTEN): read the table when notified, and once a second as a safety net
    // for a notification lost while the listener reconnected; otherwise (SQLite) every iteration.
    const listened = this.#listening !== null && !this.#wakeNotified && now - this.#wakesTakenAt < 1000;
    if (this.#o.wakeRequests && !listened) {
      this.#wakeNotified = false;
      this.#wakesTakenAt = now;
      for (const w of (await step('wake requests', () => this.#o.wakeRequests!.take())) ?? []) {
        if (w.sensorName) this.#woken.add(w.sensorName);
      }
    }
    const scheduleTicks: Tick[] = [];
    if (now - this.#instigatorsAt >= this.#t.instigatorCheckMs || this.#hasRunnableWake()) {
      this.#instigatorsAt = now;
      await step('sensors', () => this.#startSensors(now));
      scheduleTicks.push(...((await step('schedules', () => this.#schedules(now))) ?? []));
    }
    await step('sensor wait', () => this.#awaitSensors());
    const sensorTicks = this.#finishedTicks;
    this.#finishedTicks = [];

    let monitor: RunMonitorReport | null = null;
    if (now - this.#monitorAt >= this.#t.monitorIntervalMs) {
      this.#monitorAt = now;
      monitor = await step('run monitor', () => this.#monitor(now));
    }
    const queue = await step('run queue', () =>
      runQueueStep(
        {
          storage: this.#o.storage,
          launcher: this.#o.launcher,
          log: this.#log,
          maxConcurrentRuns: this.settings.maxConcurrentRuns,
          tagLimits: this.settings.tagLimits,
          runRetryDelayMs: this.settings.runRetryDelaySeconds * 1000,
          workerId: this.localWorkerId,
        },
        now,
      ),
    );
    // Re-read so runs launched above count; the idle wait watches for this number to drop.
    this.#activeAfterIteration = count(this.#o.launcher.activeRunIds());
    this.#waitingAfterIteration = queue?.waiting ?? 0;
    this.#inProgressAfterIteration = queue?.inProgress ?? 0;

    let retention: RetentionReport | null = null;
    if (now - this.#retentionAt >= this.#t.retentionIntervalMs || now - this.#tickCapAt >= 60_000) {
      const full = now - this.#retentionAt >= this.#t.retentionIntervalMs;
      this.#tickCapAt = now;
      if (full) this.#retentionAt = now;
      retention = await step('retention', () =>
        runRetentionStep(this.#o.storage, now, {
          retentionDays: full ? this.settings.retentionDays : null,
          tickHistory: this.settings.tickHistory,
        }),
      );
    }
    return {
      ...base,
      sensorTicks,
      scheduleTicks,
      launched: queue?.launched ?? [],
      waiting: queue?.waiting ?? 0,
      monitor,
      retention,
      errors,
    };
  }

  /** Starts the loop in the background. Idempotent. */
  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#unsubscribe = onLocalWake(this.#o.storage, (name) => this.wake(name));
    this.#loop = this.#run();
    this.#listening = this.#o.wakeRequests?.subscribe
      ? this.#o.wakeRequests
          .subscribe(
            (reason) => {
              if (reason === 'request') {
                this.#wakeNotified = true;
                this.#idle.wake();
                // A run ended somewhere: a slot freed up, which matters only to runs waiting for one.
              } else if (this.#waitingAfterIteration > 0) this.#refillSoon();
            },
            (e) => this.#log.warn({ daemonId: this.id }, `wake-up listener: ${errorMessage(e)}`),
          )
          .catch((e) => {
            // Polling the table still works; only the reaction is slower.
            this.#log.warn({ daemonId: this.id }, `cannot listen for wake-ups: ${errorMessage(e)}`);
            this.#listening = null;
            return null;
          })
      : null;
  }

  /** Wakes the loop for freed slots, no sooner than slotRefillMs after the last pass began. */
  #refillSoon(): void {
    if (this.#refill) return;
    const delay = this.#iterationStartedAt + this.#t.slotRefillMs - Date.now();
    if (delay <= 0) {
      this.#idle.wake();
      return;
    }
    this.#refill = setTimeout(() => {
      this.#refill = null;
      this.#idle.wake();
    }, delay);
    this.#refill.unref?.();
  }

  /** Finishes the current iteration, releases the lease and removes this daemon's heartbeat. */
  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#stopping = true;
    this.#idle.wake();
    await this.#loop;
    this.#loop = null;
    if (this.#refill) clearTimeout(this.#refill);
    this.#refill = null;
    this.#unsubscribe?.();
    const unlisten = await this.#listening;
    this.#listening = null;
    await unlisten?.().catch(() => {});
    // Sensors still evaluating get a moment; a hanging one is abandoned (its timeout aborts it).
    await Promise.race([Promise.allSettled(this.#inflight.values()), sleep(1000)]);
    try {
      if (this.#leader) await this.#o.storage.daemon.releaseLease('daemon', this.id);
      await this.#o.storage.daemon.deleteHeartbeat(this.id);
    } catch (e) {
      this.#log.warn(
        { daemonId: this.id },
        `daemon ${this.id} could not release its lease/heartbeat: ${errorMessage(e)}`,
      );
    }
    this.#leader = false;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.runIteration(Date.now());
      } catch (e) {
        this.#log.error({ daemonId: this.id }, `daemon iteration failed: ${errorMessage(e)}`);
      }
      if (this.#stopping) break;
      const waiting = this.#waitingAfterIteration > 0;
      const slotsWatched = waiting && this.#activeAfterIteration > 0;
      // Runs executing elsewhere (BullMQ workers): without a LISTEN subscription, which hears runs end,
      // look at the in-progress count instead.
      const remoteSlotsWatched =
        waiting && this.localWorkerId === null && this.#inProgressAfterIteration > 0 && !this.#listening;
      const wakeRequests = this.#leader && !this.#listening ? this.#o.wakeRequests : undefined;
      await this.#idle.wait({
        maxMs: this.#leader ? this.#t.idleWaitMs : Math.min(1000, this.#t.leaseTtlMs / 3),
        // A LISTEN subscription wakes the loop itself; polling the tables is the fallback.
        poll:
          wakeRequests || (this.#leader && remoteSlotsWatched)
            ? async () =>
                (wakeRequests !== undefined && (await wakeRequests.hasPending())) ||
                (remoteSlotsWatched &&
                  (await this.#o.storage.runs.countRuns({ statuses: IN_PROGRESS_STATUSES })) <
                    this.#inProgressAfterIteration)
            : undefined,
        pollMs: this.#t.wakePollMs,
        fastCheck: slotsWatched
          ? () => count(this.#o.launcher.activeRunIds()) < this.#activeAfterIteration
          : undefined,
        fastCheckMs: 2,
      });
    }
  }

  async #heartbeat(now: number): Promise<void> {
    if (now - this.#heartbeatAt < this.#t.heartbeatIntervalMs) return;
    this.#heartbeatAt = now;
    const info = { ...this.#self, leader: this.#leader, startedAt: this.#startedAt };
    await this.#o.storage.daemon.heartbeat({ daemonId: this.id, daemonType: 'daemon', timestamp: now, info });
    if (this.localWorkerId && this.localWorkerId !== this.id) {
      await this.#o.storage.daemon.heartbeat({
        daemonId: this.localWorkerId,
        daemonType: 'worker',
        timestamp: now,
        info: { ...this.#self, daemonId: this.id },
      });
    }
  }

  async #lease(now: number): Promise<void> {
    if (this.#leader && now - this.#leaseAt < this.#t.leaseTtlMs / 3) return;
    const { daemon } = this.#o.storage;
    let held = await daemon.acquireLease('daemon', this.id, now, this.#t.leaseTtlMs);
    if (!held) {
      // A previous daemon on this host that crashed would block us for a whole lease; free it.
      const dead = (await daemon.listHeartbeats()).filter(
        (h) =>
          h.daemonType === 'daemon' &&
          h.daemonId !== this.id &&
          h.info.hostname === this.#self.hostname &&
          typeof h.info.pid === 'number' &&
          !(this.#o.isPidAlive ?? isPidAlive)(h.info.pid),
      );
      for (const h of dead) await daemon.releaseLease('daemon', h.daemonId);
      if (dead.length) held = await daemon.acquireLease('daemon', this.id, now, this.#t.leaseTtlMs);
    }
    if (held && !this.#leader) {
      this.#log.info({ daemonId: this.id }, `daemon ${this.id} is now the leader`);
      // Recover runs left by a dead predecessor at once, and look at every instigator.
      this.#monitorAt = Number.NEGATIVE_INFINITY;
      this.#instigatorsAt = Number.NEGATIVE_INFINITY;
    }
    if (held) this.#leaseAt = now;
    // The heartbeat carries `leader`; rewrite it in the next iteration, not a whole interval later.
    if (held !== this.#leader) this.#heartbeatAt = Number.NEGATIVE_INFINITY;
    this.#leader = held;
  }

  async #startSensors(now: number): Promise<void> {
    const { definitions, storage } = this.#o;
    if (definitions.sensors.size === 0) return;
    const states = new Map((await storage.instigators.listStates()).map((s) => [s.name, s]));
    for (const sensor of definitions.sensors.values()) {
      const state = states.get(sensor.name);
      const status = state?.status ?? sensor.defaultStatus;
      // A wake-up for a sensor still evaluating stays pending: what woke it (a new request) may have
      // arrived after that evaluation read its inputs, so it is evaluated again once it finishes.
      if (this.#inflight.has(sensor.name)) continue;
      const woken = this.#woken.delete(sensor.name);
      if (status !== 'RUNNING') continue;
      if (!woken && !isSensorDue(state?.lastTickAt ?? null, sensor.minimumIntervalSeconds, now)) continue;
      const deps = { storage, definitions, log: this.#log, evaluationTimeoutMs: this.#t.sensorTimeoutMs };
      const task = runSensorTick(deps, sensor, now)
        .then((tick) => {
          this.#finishedTicks.push(tick);
        })
        .catch((e) =>
          this.#log.error(
            { daemonId: this.id },
            `sensor '${sensor.name}' tick could not be stored: ${errorMessage(e)}`,
          ),
        )
        .finally(() => {
          this.#inflight.delete(sensor.name);
          // Woken meanwhile: do not wait for the idle timeout to evaluate it again.
          if (this.#woken.has(sensor.name)) this.#idle.wake();
        });
      this.#inflight.set(sensor.name, task);
    }
    // Wake-ups for names that are not sensors (or not RUNNING) are dropped; those in flight stay.
    for (const name of this.#woken) if (!this.#inflight.has(name)) this.#woken.delete(name);
  }

  /** A wake-up waiting for a sensor that is not evaluating right now. */
  #hasRunnableWake(): boolean {
    for (const name of this.#woken) if (!this.#inflight.has(name)) return true;
    return false;
  }

  async #awaitSensors(): Promise<void> {
    if (this.#inflight.size === 0) return;
    await Promise.race([Promise.allSettled(this.#inflight.values()), sleep(this.#t.sensorWaitMs)]);
  }

  async #schedules(now: number): Promise<Tick[]> {
    const { definitions, storage } = this.#o;
    if (definitions.schedules.size === 0) return [];
    const states = new Map((await storage.instigators.listStates()).map((s) => [s.name, s]));
    const ticks: Tick[] = [];
    for (const schedule of definitions.schedules.values()) {
      const state = states.get(schedule.name);
      if ((state?.status ?? schedule.defaultStatus) !== 'RUNNING') continue;
      try {
        ticks.push(
          ...(await runScheduleTick({ storage, definitions, log: this.#log }, schedule, state, now)),
        );
      } catch (e) {
        this.#log.error({ daemonId: this.id }, `schedule '${schedule.name}' tick failed: ${errorMessage(e)}`);
      }
    }
    return ticks;
  }

  #monitor(now: number): Promise<RunMonitorReport> {
    return runMonitorStep(
      {
        storage: this.#o.storage,
        definitions: this.#o.definitions,
        launcher: this.#o.launcher,
        log: this.#log,
        localWorkerId: this.localWorkerId,
        liveness: {
          staleAfterMs: 3 * this.#t.heartbeatIntervalMs,
          self: this.#self,
          isPidAlive: this.#o.isPidAlive ?? isPidAlive,
        },
        runTimeoutSeconds: this.settings.runTimeoutSeconds,
        timeoutGraceMs: this.#t.timeoutGraceMs,
        startingTimeoutMs: this.#t.startingTimeoutMs,
        runRetryDelayMs: this.settings.runRetryDelaySeconds * 1000,
      },
      now,
    );
  }
}

function count(ids: Iterable<string>): number {
  let n = 0;
  for (const _ of ids) n++;
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
