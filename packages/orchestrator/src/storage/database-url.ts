import { isAbsolute, resolve } from 'node:path';
import { OrchestratorError } from '../errors.ts';

/** Where the orchestrator's state lives, parsed from DATABASE_URL. Plain data. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly filename: string }
  | {
      readonly dialect: 'postgres';
      /** Connection string without our own `schema` parameter. */
      readonly connectionString: string;
      readonly schema: string | null;
      /** host:port/database, safe to print (never contains the password). */
      readonly display: string;
    };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Parses `sqlite:/abs/file.db`, a plain file path, `:memory:`, or `postgres://…` / `postgresql://…`
 * with an optional `?schema=name`. Relative paths resolve against `cwd`.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
  const raw = url.trim();
  if (raw === ':memory:' || raw === 'sqlite::memory:') return { dialect: 'sqlite', filename: ':memory:' };
  if (/^postgres(ql)?:\/\//i.test(raw)) return parsePostgres(raw);
  if (/^sqlite:/i.test(raw)) {
    // sqlite:/abs, sqlite:///abs and sqlite:rel all name a file.
    let path = raw.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw badUrl(url);
    return { dialect: 'sqlite', filename: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  // Anything else that looks like scheme:… is a URL we do not speak (mysql://, http://, file:…).
  if (raw === '' || /^[A-Za-z][A-Za-z0-9+.-]+:/.test(raw)) throw badUrl(url);
  return { dialect: 'sqlite', filename: isAbsolute(raw) ? raw : resolve(cwd, raw) };
}

function parsePostgres(raw: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new OrchestratorError(
      'STORAGE_ERROR',
      `DATABASE_URL is not a valid postgres:// URL (${redact(raw)}).`,
      {
        cause,
      },
    );
  }
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new OrchestratorError(
      'STORAGE_ERROR',
      `DATABASE_URL has an invalid schema '${schema}': use letters, digits and _ (at most 63, not starting with a digit).`,
    );
  }
  parsed.searchParams.delete('schema');
  const host = parsed.hostname || 'localhost';
  const port = parsed.port || '5432';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
  return {
    dialect: 'postgres',
    connectionString: parsed.toString(),
    schema,
    display: `${host}:${port}/${database}`,
  };
}

function badUrl(url: string): OrchestratorError {
  return new OrchestratorError(
    'STORAGE_ERROR',
    `DATABASE_URL must be a file path, sqlite:…, or postgres://… (got '${redact(url)}'). Examples: ./data/orchestrator.db, sqlite:/var/lib/app/state.db, postgres://user@127.0.0.1:5432/app?schema=orchestrator.`,
  );
}

/** Hides a password in anything URL-shaped before it reaches an error message. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
