import { z } from 'zod';
import { OPERATIONS, type Op } from '../openapi.ts';
import * as S from './schemas.ts';
import { ErrorBody, schemas } from './schemas.ts';

/** `get /api/runs/{runId}/events` → `getApiRunsRunIdEvents`. */
export function operationId(op: Pick<Op, 'method' | 'path'>): string {
  return `${op.method}${op.path
    .replace(/[{}]/g, '')
    .replace(/[/_.-](\w)/g, (_: string, ch: string) => ch.toUpperCase())
    .replace(/\W/g, '')}`;
}

const refTo = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * Builds the OpenAPI 3.1 document from the zod schemas: request bodies from the schemas the routes
 * validate with, responses from each operation's `response` schema, components from the named
 * schemas (contract/schemas.ts) plus one `<operationId>Response` per operation.
 */
export function buildOpenApi(opts: { tokensRequired: boolean }): object {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  const register = (schema: z.ZodType, id: string): string => {
    const known = ids.get(schema) ?? (schemas.get(schema)?.id as string | undefined);
    if (known) {
      if (!registry.has(schema)) registry.add(schema, { id: known });
      ids.set(schema, known);
      return known;
    }
    registry.add(schema, { id });
    ids.set(schema, id);
    return id;
  };
  for (const schema of schemasInRegistry()) register(schema, schemas.get(schema)!.id);

  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) {
    const id = operationId(op);
    const ok = op.stream
      ? { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }
      : {
          description: 'OK',
          content: { 'application/json': { schema: refTo(register(op.response!, `${upper(id)}Response`)) } },
        };
    const operation: Record<string, unknown> = {
      tags: [op.tag],
      summary: op.summary,
      operationId: id,
      parameters: (op.params ?? []).map((x) => ({
        ...x,
        required: x.in === 'path',
        schema: x.schema ?? { type: 'string' },
      })),
      responses: {
        [String(op.ok ?? 200)]: ok,
        '4XX': {
          description: 'Bad input; the message says what to fix',
          content: { 'application/json': { schema: refTo('Error') } },
        },
      },
    };
    if (op.body) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: clean(z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' })),
          },
        },
      };
    }
    if (op.upload) {
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'string', format: 'binary' },
                videoId: { type: 'string' },
                title: { type: 'string' },
                language: { type: 'string' },
              },
              required: ['file'],
            },
          },
        },
      };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation;
  }
  // Responses are described as their input side: objects allow more fields than they name, so a
  // field added later does not break clients that validate strictly.
  const generated = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  }).schemas;
  const components = Object.fromEntries(
    Object.entries(generated)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, clean(v)]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'llm-rag-yt API',
      version: '0.1.0',
      description: 'Orchestrator control room and YouTube RAG API.',
    },
    servers: [{ url: '/' }],
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: opts.tokensRequired ? [{ bearer: [] }] : [],
    paths,
  };
}

/** The named schemas, ErrorBody first so 'Error' always exists. */
function schemasInRegistry(): z.ZodType[] {
  const out: z.ZodType[] = [ErrorBody];
  for (const s of Object.values(S))
    if (s instanceof z.ZodType && schemas.has(s) && s !== ErrorBody) out.push(s);
  return out;
}

function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** JSON Schema keywords OpenAPI components do not want ($schema, $id of each generated schema). */
function clean(schema: object): object {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  return rest;
}
