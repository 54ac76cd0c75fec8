import { InvalidDefinitionError, UnknownNameError } from '../errors.ts';
import { AssetGraph } from '../graph/asset-graph.ts';
import { resolveSelection } from '../graph/selection.ts';
import type {
  AssetDefinition,
  JobDefinition,
  OpDefinition,
  ScheduleDefinition,
  SensorDefinition,
  StepDefinition,
} from './types.ts';

export interface DefinitionsInput<R = any> {
  assets?: readonly AssetDefinition[];
  jobs?: readonly JobDefinition[];
  sensors?: readonly SensorDefinition[];
  schedules?: readonly ScheduleDefinition[];
  resources?: R;
}

/** One step of a job's plan: the definition and its dependencies inside the job. */
export interface PlannedStep {
  readonly key: string;
  readonly step: StepDefinition;
  readonly deps: readonly string[];
}

/**
 * The registry of everything the orchestrator knows. Validates at construction: duplicate names,
 * unknown dependencies, cycles, sensors/schedules pointing at unknown jobs. Frozen afterwards.
 */
export class Definitions<R = any> {
  readonly assets: ReadonlyMap<string, AssetDefinition>;
  readonly jobs: ReadonlyMap<string, JobDefinition>;
  readonly sensors: ReadonlyMap<string, SensorDefinition>;
  readonly schedules: ReadonlyMap<string, ScheduleDefinition>;
  readonly assetGraph: AssetGraph;
  readonly resources: R;
  private readonly plans = new Map<string, readonly PlannedStep[]>();

  constructor(input: DefinitionsInput<R>) {
    this.assets = byName('asset', input.assets ?? [], (a) => a.key);
    this.jobs = byName('job', input.jobs ?? [], (j) => j.name);
    this.sensors = byName('sensor', input.sensors ?? [], (s) => s.name);
    this.schedules = byName('schedule', input.schedules ?? [], (s) => s.name);
    const instigatorNames = new Set<string>();
    for (const n of [...this.sensors.keys(), ...this.schedules.keys()]) {
      if (instigatorNames.has(n))
        throw new InvalidDefinitionError(
          `'${n}' is used as both a sensor and a schedule name; names must be unique.`,
        );
      instigatorNames.add(n);
    }
    this.assetGraph = new AssetGraph(
      [...this.assets.values()].map((a) => ({ key: a.key, deps: a.deps, group: a.group })),
    );
    this.resources = (input.resources ?? {}) as R;
    for (const job of this.jobs.values()) this.plans.set(job.name, this.buildPlan(job));
    for (const s of this.sensors.values()) this.checkJobRef(`sensor '${s.name}'`, s.jobName);
    for (const s of this.schedules.values()) this.checkJobRef(`schedule '${s.name}'`, s.jobName);
    Object.freeze(this);
  }

  private checkJobRef(where: string, jobName: string): void {
    if (!this.jobs.has(jobName)) {
      const e = new UnknownNameError('job', jobName, [...this.jobs.keys()]);
      throw new InvalidDefinitionError(`${where} targets ${e.message}`);
    }
  }

  private buildPlan(job: JobDefinition): readonly PlannedStep[] {
    let assetKeys: string[];
    try {
      assetKeys = job.selection.length ? resolveSelection(this.assetGraph, job.selection) : [];
    } catch (e) {
      throw new InvalidDefinitionError(`job '${job.name}': ${(e as Error).message}`);
    }
    const steps = new Map<string, StepDefinition>();
    for (const k of assetKeys) steps.set(k, this.assets.get(k)!);
    for (const op of job.ops) {
      if (steps.has(op.key))
        throw new InvalidDefinitionError(`job '${job.name}': op '${op.key}' clashes with an asset key.`);
      steps.set(op.key, op);
    }
    // Dependencies outside the job are treated as already materialized; op deps must be inside.
    const nodes = [...steps.values()].map((s) => {
      const deps = s.deps.filter((d) => steps.has(d));
      if (s.kind === 'op') {
        for (const d of s.deps)
          if (!steps.has(d))
            throw new InvalidDefinitionError(
              `job '${job.name}': op '${s.key}' depends on '${d}', which is not in the job.`,
            );
      }
      return { key: s.key, deps };
    });
    const graph = new AssetGraph(nodes);
    return Object.freeze(
      graph.order.map((key) =>
        Object.freeze({ key, step: steps.get(key)!, deps: graph.nodes.get(key)!.deps }),
      ),
    );
  }

  getJob(name: string): JobDefinition {
    const j = this.jobs.get(name);
    if (!j) throw new UnknownNameError('job', name, [...this.jobs.keys()]);
    return j;
  }

  getAsset(key: string): AssetDefinition {
    const a = this.assets.get(key);
    if (!a) throw new UnknownNameError('asset', key, [...this.assets.keys()]);
    return a;
  }

  getSensor(name: string): SensorDefinition {
    const s = this.sensors.get(name);
    if (!s) throw new UnknownNameError('sensor', name, [...this.sensors.keys()]);
    return s;
  }

  getSchedule(name: string): ScheduleDefinition {
    const s = this.schedules.get(name);
    if (!s) throw new UnknownNameError('schedule', name, [...this.schedules.keys()]);
    return s;
  }

  /** The steps of a job in dependency order. */
  planFor(jobName: string): readonly PlannedStep[] {
    const plan = this.plans.get(jobName);
    if (!plan) throw new UnknownNameError('job', jobName, [...this.jobs.keys()]);
    return plan;
  }

  /** Steps of an op-or-asset by key in a job, for validation of run config keys. */
  stepKeys(jobName: string): string[] {
    return this.planFor(jobName).map((s) => s.key);
  }
}

/** Name of the implicit job made by `materialize-asset` for an ad-hoc asset selection. */
export const ASSET_JOB_NAME = '__asset_job';

function byName<T>(kind: string, items: readonly T[], name: (t: T) => string): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const n = name(item);
    if (map.has(n))
      throw new InvalidDefinitionError(`Duplicate ${kind} name '${n}'. Each ${kind} needs a unique name.`);
    map.set(n, item);
  }
  return map;
}

export type { OpDefinition };
