// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Runtime imports allowed in workflow code (the determinism fence). Anything else: `import type` only. */
const WORKFLOW_RUNTIME_IMPORTS = ['@temporalio/workflow', '@temporalio/workflow-streams/workflow', 'zod', '@hub/contracts'];

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
    // The determinism fence: workflow code (not its tests) runs in Temporal's replay sandbox.
    files: ['workflows/src/**/*.ts', 'workflows/contracts/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // `@hub/contracts/<module>` too: workflow code imports the zod-free modules it needs directly.
              regex: `^(?!(${WORKFLOW_RUNTIME_IMPORTS.map((m) => m.replace(/[.]/g, '\\.')).join('|')}|@hub/contracts/[a-z-]+)$|\\.\\.?/)`,
              allowTypeImports: true,
              message:
                'Workflow code may import at runtime only @temporalio/workflow, @temporalio/workflow-streams/workflow, zod, @hub/contracts and its own files; use `import type` or move the code to an activity.',
            },
          ],
        },
      ],
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
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
