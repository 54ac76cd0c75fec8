import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/*
 * The web UI's API types, generated from the server's OpenAPI document (itself generated from the
 * zod contract), so the UI cannot re-declare a shape the server no longer serves. The contract test
 * checks the committed file is current; `npm run gen:api-types` rewrites it.
 */

export const API_TYPES_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../web/src/api-types.ts',
);

const HEADER =
  "// Generated from the server's OpenAPI document by `npm run gen:api-types` (openapi-typescript). Do not edit.\n" +
  '// The contract lives in packages/server/src/contract/schemas.ts and packages/server/src/openapi.ts.\n\n';

export async function generateApiTypes(doc: object): Promise<string> {
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return HEADER + astToString(ast);
}

export async function writeApiTypes(doc: object): Promise<void> {
  writeFileSync(API_TYPES_FILE, await generateApiTypes(doc));
}
