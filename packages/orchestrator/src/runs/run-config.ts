import { parseDocument } from 'yaml';
import type { PlannedStep } from '../definitions/definitions.ts';
import { ASSET_JOB_NAME, type Definitions } from '../definitions/definitions.ts';
import { closestName, InvalidConfigError } from '../errors.ts';
import type { RunConfig } from './types.ts';

/**
 * Run config refused for its size, nesting or aliases rather than its content: the API answers
 * 400 even where it otherwise reports config problems as `{ valid: false }`.
 */
export class RunConfigLimitError extends InvalidConfigError {
  constructor(where: string, message: string) {
    super(where, [{ path: '', message }]);
    this.name = 'RunConfigLimitError';
  }
}

/** Bounds on run config text (from files, the API and the Launchpad), checked before and while parsing. */
export const RUN_CONFIG_LIMITS = {
  /** Characters of YAML/JSON text. */
  maxChars: 200_000,
  /** Nesting of flow collections (`[`, `{`) and of the parsed value. */
  maxDepth: 64,
  /** Alias (`*name`) expansions while building the value. */
  maxAliasCount: 1000,
} as const;

/**
 * Deepest nesting of `[`/`{` outside quoted scalars and comments: a cheap pre-scan so a
 * pathological document never reaches the recursive parser. Brackets inside plain scalars count
 * too, which can only over-estimate.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const prev = text[i - 1];
      // A quote starts a quoted scalar only at a token start (not inside "it's").
      if (prev === undefined || /[\s[{,:]/.test(prev)) quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return max;
}

/** Nesting depth of a parsed value (aliases can nest a shallow text deeply). */
function valueDepth(v: unknown, d: number): number {
  if (d > RUN_CONFIG_LIMITS.maxDepth || v === null || typeof v !== 'object') return d;
  let max = d;
  for (const x of Array.isArray(v) ? v : Object.values(v)) max = Math.max(max, valueDepth(x, d + 1));
  return max;
}

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
  const where = `run config file '${sourceName}'`;
  // Limits first: the yaml parser is recursive and a 20 KB `[[[[…]]]]` exhausted the heap.
  if (text.length > RUN_CONFIG_LIMITS.maxChars) {
    throw new RunConfigLimitError(
      where,
      `is ${text.length} characters; the limit is ${RUN_CONFIG_LIMITS.maxChars}. Run config holds settings, not data`,
    );
  }
  const depth = flowDepth(text);
  if (depth > RUN_CONFIG_LIMITS.maxDepth) {
    throw new RunConfigLimitError(
      where,
      `nests brackets ${depth} levels deep; the limit is ${RUN_CONFIG_LIMITS.maxDepth}`,
    );
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new InvalidConfigError(
      where,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'syntax';
        // yaml's message repeats the position and a code frame; keep the first sentence only.
        return { path: where, message: e.message.split(' at line ')[0]!.trim() };
      }),
    );
  }
  let value: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias bombs; an alias without its anchor throws too.
    value = doc.toJS({ maxAliasCount: RUN_CONFIG_LIMITS.maxAliasCount });
  } catch (e) {
    const msg = (e as Error).message;
    if (/excessive alias/i.test(msg)) {
      throw new RunConfigLimitError(
        where,
        `uses aliases (*name) too often (an alias bomb?); at most ${RUN_CONFIG_LIMITS.maxAliasCount} expansions are allowed`,
      );
    }
    const message = /unresolved alias|anchor/i.test(msg)
      ? `${msg.split('\n')[0]!.slice(0, 200)}; define '&name' before using '*name'`
      : `could not be read: ${msg.split('\n')[0]!.slice(0, 200)}`;
    throw new InvalidConfigError(where, [{ path: '', message }]);
  }
  const nested = valueDepth(value, 0);
  if (nested > RUN_CONFIG_LIMITS.maxDepth) {
    throw new RunConfigLimitError(where, `nests values more than ${RUN_CONFIG_LIMITS.maxDepth} levels deep`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfigError(where, [
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
  // JSON run config (API bodies) gets the same bound as YAML: deep values break storage and schemas.
  if (valueDepth(config, 0) > RUN_CONFIG_LIMITS.maxDepth) {
    throw new RunConfigLimitError(where, `nests values more than ${RUN_CONFIG_LIMITS.maxDepth} levels deep`);
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
