import type { Context } from 'hono';
import { z } from 'zod';
import { HttpError } from './http-error.ts';

/** Largest JSON body accepted (run configs and URL lists are small). */
export const MAX_JSON_BYTES = 1_000_000;

/** Turns zod issues into `{ path, message }` pairs a client can act on. */
export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function describe(where: string, issues: { path: string; message: string }[]): string {
  return `Invalid ${where}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`;
}

/** Reads and validates a JSON body; 400/413/415 with a message saying what to fix. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  // Exactly application/json (parameters such as charset aside): `text/plain;application/json`
  // is what a cross-site no-cors fetch can send.
  if (type.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    throw new HttpError(
      415,
      `Send the body as JSON with 'Content-Type: application/json' (got '${type || 'none'}').`,
    );
  }
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_JSON_BYTES)
    throw new HttpError(413, `Body too large (${length} bytes); the limit is ${MAX_JSON_BYTES}.`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES)
    throw new HttpError(413, `Body too large; the limit is ${MAX_JSON_BYTES} bytes.`);
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new HttpError(
      400,
      `Malformed JSON body: ${(e as Error).message}. Check quotes, commas and brackets.`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new HttpError(400, describe('request body', issues), issues);
  }
  return parsed.data;
}

/** Validates the query string against a schema of string-valued fields. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new HttpError(400, describe('query parameters', issues), issues);
  }
  return parsed.data;
}

/** A path parameter: bounded length, printable. */
export function param(c: Context, name: string, max = 200): string {
  const v = c.req.param(name) ?? '';
  if (v.length === 0 || v.length > max)
    throw new HttpError(400, `Path parameter '${name}' must be 1–${max} characters.`);
  if (/[\u0000-\u001f]/.test(v))
    throw new HttpError(400, `Path parameter '${name}' contains control characters.`);
  return v;
}

export function intParam(c: Context, name: string): number {
  const v = param(c, name, 20);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new HttpError(400, `Path parameter '${name}' must be a positive integer (got '${v}').`);
  }
  return Number(v);
}

// — Reusable query field schemas (query values are strings) —
export const qInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Comma-separated list of enum values. */
export const qList = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(500)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

export const shortText = (max = 200) => z.string().max(max, `must be at most ${max} characters`);
