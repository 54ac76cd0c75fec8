// Rewrites packages/web/src/api-types.ts from the server's OpenAPI document (see the contract test).
import { buildOpenApi } from '@llm-rag-yt/server';
import { API_TYPES_FILE, writeApiTypes } from '../packages/server/test/helpers/api-types.ts';

await writeApiTypes(buildOpenApi({ tokensRequired: false }));
process.stdout.write(`wrote ${API_TYPES_FILE}\n`);
