import { parseDocument } from 'yaml';
import type { PlannedStep } from '../definitions/definitions.ts';
import { ASSET_JOB_NAME, type Definitions } from '../definitions/definitions.ts';
import { closestName, InvalidConfigError } from '../errors.ts';
import type { RunConfig } from './types.ts';

/** Top-level keys of the seed's run config shape. Dagster also knows `resources`/`execution`; we do not. */
const TOP_LEVEL_KEYS = ['ops'];

/**
 * Parses a run config file (YAML, or JSON — JSON is YAML) in the seed's shape
 * `ops: { <step>: { config: {...} } }`. Only syntax and the outer shape are checked here;
 * `validateRunConfig` checks each step's config against its schema.
 * Errors are InvalidConfigError naming the file, line and column.
 * @example parseRunConfig(readFileSync('config.yaml', 'utf8'), 'config.yaml')
 */
export function parseRunConfig(text: string, sourceName: string): RunConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new InvalidConfigError(
      `run config file '${sourceName}'`,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'syntax';
        // yaml's message repeats the position and a code frame; keep the first sentence only.
        return { path: where, message: e.message.split(' at line ')[0]!.trim() };
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfigError(`run config file '${sourceName}'`, [
      {
        path: '',
        message: `expected a mapping like 'ops: { <step>: { config: {...} } }', got ${typeName(value)}`,
      },
    ]);
  }
  return value as RunConfig;
}

export interface ValidatedRunConfig {
  /** Parsed config per step key (schema defaults applied); `{}`-like raw value for steps without a schema. */
  readonly stepConfigs: Readonly<Record<string, unknown>>;
}

/**
 * Checks a run config against the steps of a job (or an explicit plan) and returns each step's parsed config.
 * Unknown step names are errors naming the closest real step; each bad value is reported with its full path,
 * e.g. `ops.youtube_urls_to_process.config.urls[0]: expected string, got number`.
 * Passing ASSET_JOB_NAME validates against every asset (ad-hoc materializations).
 */
export function validateRunConfig(
  definitions: Definitions,
  jobOrSteps: string | readonly PlannedStep[],
  runConfig: RunConfig | null | undefined,
): ValidatedRunConfig {
  const steps = resolveSteps(definitions, jobOrSteps);
  const where = typeof jobOrSteps === 'string' ? `job '${jobOrSteps}'` : 'the selected steps';
  const issues: { path: string; message: string }[] = [];
  const config: unknown = runConfig ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidConfigError(where, [
      { path: '', message: `expected a mapping, got ${typeName(config)}` },
    ]);
  }
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      issues.push({
        path: key,
        message: `unknown key; run config supports only 'ops: { <step>: { config: {...} } }'`,
      });
    }
  }
  const ops: unknown = (config as RunConfig).ops ?? {};
  if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) {
    issues.push({ path: 'ops', message: `expected a mapping of step names, got ${typeName(ops)}` });
    throw new InvalidConfigError(where, issues);
  }
  const stepByKey = new Map(steps.map((s) => [s.key, s]));
  const opsMap = ops as Record<string, unknown>;
  for (const [name, entry] of Object.entries(opsMap)) {
    if (!stepByKey.has(name)) {
      const suggestion = closestName(name, [...stepByKey.keys()]);
      issues.push({
        path: `ops.${name}`,
        message: `no step named '${name}' in ${where}.${suggestion ? ` Did you mean '${suggestion}'?` : ` Steps: ${[...stepByKey.keys()].join(', ')}.`}`,
      });
      continue;
    }
    if (entry !== null && (typeof entry !== 'object' || Array.isArray(entry))) {
      issues.push({
        path: `ops.${name}`,
        message: `expected a mapping with 'config', got ${typeName(entry)}`,
      });
      continue;
    }
    for (const k of Object.keys(entry ?? {})) {
      if (k !== 'config')
        issues.push({ path: `ops.${name}.${k}`, message: `unknown key; did you mean 'config'?` });
    }
  }
  const stepConfigs: Record<string, unknown> = {};
  for (const step of steps) {
    const entry = opsMap[step.key] as { config?: unknown } | null | undefined;
    const raw = entry?.config ?? {};
    const schema = step.step.configSchema;
    if (!schema) {
      stepConfigs[step.key] = raw;
      continue;
    }
    const result = schema.safeParse(raw);
    if (result.success) {
      stepConfigs[step.key] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const path = `ops.${step.key}.config${formatPath(issue.path)}`;
      issues.push({ path, message: issueMessage(issue, raw) });
    }
  }
  if (issues.length) throw new InvalidConfigError(where, issues);
  return Object.freeze({ stepConfigs: Object.freeze(stepConfigs) });
}

function resolveSteps(
  definitions: Definitions,
  jobOrSteps: string | readonly PlannedStep[],
): readonly PlannedStep[] {
  if (typeof jobOrSteps !== 'string') return jobOrSteps;
  if (jobOrSteps === ASSET_JOB_NAME) {
    return definitions.assetGraph.order.map((key) => {
      const step = definitions.getAsset(key);
      return { key, step, deps: step.deps };
    });
  }
  return definitions.planFor(jobOrSteps);
}

interface IssueLike {
  code: string;
  message: string;
  path: readonly PropertyKey[];
  expected?: unknown;
}

function issueMessage(issue: IssueLike, root: unknown): string {
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') {
    const found = valueAt(root, issue.path);
    if (found.missing || found.value === undefined) return `required: expected ${issue.expected}`;
    return `expected ${issue.expected}, got ${typeName(found.value)}`;
  }
  return issue.message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { missing: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) return { missing: true };
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return { missing: false, value: cur };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg) =>
      typeof seg === 'number'
        ? `[${seg}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(seg))
          ? `.${String(seg)}`
          : `[${JSON.stringify(String(seg))}]`,
    )
    .join('');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
