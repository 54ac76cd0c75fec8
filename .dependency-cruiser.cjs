// The layering of the monorepo as rules (README "How it fits together"). Run by `npm run lint`.
// Packages meet only at their entry points (packages/<name>/src/index.ts), and only along the
// arrows the README draws:
//
//   cli ──► server, bot, adapters, rag, orchestrator      (composition root)
//   server, bot, adapters ──► rag, orchestrator
//   rag ──► orchestrator
//   orchestrator ──► (none of ours)
//   web ──► format (it talks to the server over HTTP)
//   rag, server, bot, cli, adapters ──► format                    (how durations and video times read)
//   format ──► (nothing: no packages, no libraries; it runs in the browser too)
//   testing ──► orchestrator                                 (test helpers; only tests import it)

/** Every package but the named ones, as a path pattern. */
const otherThan = (...names) => `^packages/(?!(?:${names.join('|')})/)[^/]+/`;

/** npm packages the orchestrator may use: its storage, queue and logging drivers, no HTTP or YouTube. */
const ORCHESTRATOR_LIBRARIES = [
  'better-sqlite3',
  'bullmq',
  'croner',
  'fastest-levenshtein',
  'ioredis',
  'kysely',
  'pg',
  'pino',
  'pino-pretty',
  'yaml',
  'zod',
];

module.exports = {
  forbidden: [
    {
      name: 'no-deep-import',
      comment:
        "Import another package only through its entry point (`@llm-rag-yt/<name>`, i.e. src/index.ts). If you need a symbol it does not export, export it from that package's src/index.ts.",
      severity: 'error',
      from: { path: '^packages/([^/]+)/src/' },
      to: { path: '^packages/[^/]+/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'tests-use-entry-points',
      comment:
        "Tests use other packages as their users do: through `@llm-rag-yt/<name>`. Shared test helpers (another package's test/ folder) are allowed; another package's src/ files are not.",
      severity: 'error',
      from: { path: '^packages/([^/]+)/test/' },
      to: { path: '^packages/[^/]+/src/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'tools-use-entry-points',
      comment: 'Benchmarks and scripts use the packages through `@llm-rag-yt/<name>`, like any user.',
      severity: 'error',
      from: { path: '^(bench|scripts)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^packages/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'orchestrator-is-the-core',
      comment: 'The orchestrator knows nothing of YouTube, HTTP, the bot or the CLI: it imports none of our packages.',
      severity: 'error',
      from: { path: '^packages/orchestrator/src/' },
      to: { path: otherThan('orchestrator') },
    },
    {
      name: 'orchestrator-libraries',
      comment: `The orchestrator uses only its own drivers (${ORCHESTRATOR_LIBRARIES.join(', ')}); vendor SDKs, HTTP frameworks and models belong in adapters.`,
      severity: 'error',
      from: { path: '^packages/orchestrator/src/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: `node_modules/(?:${ORCHESTRATOR_LIBRARIES.join('|')})/`,
      },
    },
    {
      name: 'rag-sees-only-the-orchestrator',
      comment: 'The RAG domain depends on the orchestrator and on its own ports; adapters implement the ports.',
      severity: 'error',
      from: { path: '^packages/rag/src/' },
      to: { path: otherThan('rag', 'orchestrator', 'format') },
    },
    {
      name: 'adapters-implement-ports',
      comment: 'Adapters implement the rag ports; they do not know the server, the bot, the UI or the CLI.',
      severity: 'error',
      from: { path: '^packages/adapters/src/' },
      to: { path: otherThan('adapters', 'rag', 'orchestrator', 'format') },
    },
    {
      name: 'adapters-vendor-folders-apart',
      comment:
        'One folder per vendor: a vendor folder imports only itself and the building blocks several use: shared/ (HTTP helpers, media errors), egress/ (outbound URL policy), usearch/ (the ANN index of the SQLite search).',
      severity: 'error',
      from: { path: '^packages/adapters/src/([^/]+)/' },
      to: {
        path: '^packages/adapters/src/[^/]+/',
        pathNot: ['^packages/adapters/src/$1/', '^packages/adapters/src/(shared|egress|usearch)/'],
      },
    },
    {
      name: 'rag-sql-in-repositories',
      comment:
        'The RAG domain sees ports and plain data; SQL (Kysely) stays in its repositories: store/, monitoring/ and the daily report queries.',
      severity: 'error',
      from: {
        path: '^packages/rag/src/',
        pathNot: ['^packages/rag/src/(store|monitoring)/', '^packages/rag/src/pipeline/monitoring/daily-report\\.ts$'],
      },
      to: { path: 'node_modules/kysely/' },
    },
    {
      name: 'server-and-bot-see-the-domain',
      comment:
        'The server and the bot get adapters wired by the CLI (composition root); they import only rag and the orchestrator.',
      severity: 'error',
      from: { path: '^packages/(server|bot)/src/' },
      to: { path: otherThan('$1', 'rag', 'orchestrator', 'format') },
    },
    {
      name: 'web-talks-http',
      comment:
        'The UI runs in the browser and talks to the server over HTTP; of our packages it imports only format (durations, video times).',
      severity: 'error',
      from: { path: '^packages/web/src/' },
      to: { path: otherThan('web', 'format') },
    },
    {
      name: 'format-is-a-leaf',
      comment:
        '@llm-rag-yt/format (durations, video times) is bundled for the browser as well as Node: it imports no package of ours and no library.',
      severity: 'error',
      from: { path: '^packages/format/src/' },
      to: {
        pathNot: '^packages/format/',
      },
    },
    {
      name: 'cli-is-the-root',
      comment: 'Only the CLI composes everything; no package imports it.',
      severity: 'error',
      from: { path: '^packages/(?!cli/)[^/]+/src/' },
      to: { path: '^packages/cli/' },
    },
    {
      name: 'no-deep-import-specifier',
      comment:
        "`@llm-rag-yt/<name>/<file>` names a file inside another package; import `@llm-rag-yt/<name>` (its src/index.ts) instead.",
      severity: 'error',
      from: {},
      to: { path: '^@llm-rag-yt/[^/]+/.' },
    },
    {
      name: 'testing-is-for-tests',
      comment: '@llm-rag-yt/testing (temp databases for tests) is for test code only.',
      severity: 'error',
      from: { path: '^packages/(?!testing/)[^/]+/src/' },
      to: { path: '^packages/testing/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that cannot be resolved (missing file or undeclared package).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@llm-rag-yt/[^/]+/.' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^packages/[^/]+/dist/', '^bench/results/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
