// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The determinism fence, import half. Workflow code (workflows/src) runs in Temporal's replay sandbox and its
 * module scope runs again for every workflow run, so at runtime it may import only the workflow SDK, its own
 * files and the zod-free `wire` halves of the contracts (`@hub/contracts/<domain>/wire`); zod only in
 * `workflows/src/validators.ts`, the one module that builds the schemas Update validators check with. Anything
 * else (`@hub/contracts` itself, `@hub/contracts/<domain>/schemas`, client, activities, Node): `import type` only.
 */
const WORKFLOW_RUNTIME_IMPORTS = ['@temporalio/workflow', '@temporalio/workflow-streams/workflow'];
const WIRE_MODULE = '@hub/contracts/[a-z0-9-]+/wire';
/** A `no-restricted-imports` pattern: runtime imports of anything but `allowed` (regex sources) and relative paths. */
const onlyAtRuntime = (allowed, message) => ({
  regex: `^(?!(${allowed.join('|')})$|\\.\\.?/)`,
  allowTypeImports: true,
  message,
});
const escape = (m) => m.replace(/[.]/g, '\\.');
/** The OpenTelemetry half of the bundle's telemetry interceptors (a bundle entry, not workflow logic: workflows/src/telemetry-otel.ts) may also load OpenTelemetry's workflow interceptors. */
const TELEMETRY_INTERCEPTOR_IMPORTS = ['@opentelemetry/api', '@temporalio/interceptors-opentelemetry/lib/workflow'];
const workflowImports = (withZod, extra = []) => [
  'error',
  {
    patterns: [
      onlyAtRuntime(
        [...WORKFLOW_RUNTIME_IMPORTS.map(escape), WIRE_MODULE, ...(withZod ? ['zod'] : []), ...extra.map(escape)],
        'Workflow code may import at runtime only @temporalio/workflow, @temporalio/workflow-streams/workflow, ' +
          '@hub/contracts/<domain>/wire and its own files (zod: only in workflows/src/validators.ts); use `import type` or move the code to an activity.',
      ),
    ],
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.hub/**', '**/.turbo/**', 'infra/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The determinism fence: workflow code (not its tests) runs in Temporal's replay sandbox; so do the wire
    // halves of the contracts, and nothing in the contracts may be non-deterministic either.
    files: ['workflows/src/**/*.ts', 'workflows/contracts/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use nowIso() from workflows/src/util (workflow time).' },
        { object: 'Math', property: 'random', message: 'Use uuid4() or workflow-deterministic data instead.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'fetch', message: 'No I/O in workflows: call an activity.' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program > VariableDeclaration[kind="let"], Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]',
          message: 'No module-level mutable state in workflow code: workflows share the module across executions.',
        },
      ],
    },
  },
  { files: ['workflows/src/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': workflowImports(false) } },
  { files: ['workflows/src/validators.ts'], rules: { '@typescript-eslint/no-restricted-imports': workflowImports(true) } },
  {
    files: ['workflows/src/telemetry-otel.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': workflowImports(false, TELEMETRY_INTERCEPTOR_IMPORTS) },
  },
  {
    // A contract's wire half is what workflow code loads: at runtime only the workflow SDK and other wire
    // halves; no schemas module, not even `import type` (the schemas import the wire halves: that would be a cycle).
    files: ['workflows/contracts/src/**/wire.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)schemas$',
              message: 'wire.ts never imports a schemas module (schemas.ts imports wire.ts); declare the type here as plain TypeScript.',
            },
            onlyAtRuntime(
              [escape('@temporalio/workflow')],
              'wire.ts may import at runtime only @temporalio/workflow and other wire.ts files (zod: `import type` only).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
