// @ts-check
import eslint from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** The layers' dependency rules (README "Layout"): one no-restricted-imports block per root. */
function layerRules(files, patterns, ignores = []) {
  return [{ files: [files], ignores, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } }];
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'bench/results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: no I/O, no Node built-ins, nothing but itself and Temporal's workflow
    // packages; activities as types only, from leaf files (the barrel pulls the whole worker in).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { regex: '^\\.\\./activities(/index)?$', message: 'Import activity types from their leaf file, never the activities barrel.' },
            { regex: '^\\.\\./activities/', allowTypeImports: true, message: 'Import activities as types only (import type).' },
            { regex: '^\\.\\./(?!activities/)', message: 'workflows/ imports only itself (and activity types): no core/, src/ or other roots.' },
            { regex: '^(?![.]|@temporalio/(workflow|common)$)', message: 'Workflow code must not reach I/O: only @temporalio/workflow and @temporalio/common.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use workflow time (Date is deterministic inside workflows, but say so via the workflow API).' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use uuid4() or the workflow API for randomness.' },
      ],
    },
  },
  ...layerRules('activities/**/*.ts', [
    { regex: '^(\\.\\./)+src(/|$)', message: 'activities/ may import workflows/ and core/, never src/ (the API and the worker composition root).' },
  ]),
  ...layerRules('core/**/*.ts', [
    { regex: '^(\\.\\./)+(src|activities|test|bench)(/|$)', message: 'core/ may import workflows/ only: never src/ or activities/.' },
    { group: ['@nestjs/*', 'express', 'fastify', 'undici'], message: 'core/ is framework-free: no Nest, no HTTP.' },
  ]),
  ...layerRules('src/**/*.ts', [
    { regex: '^(\\.\\./)+(activities|test|bench)(/|$)', message: 'Only the worker composition root (src/worker.ts, src/worker/) imports activities/.' },
  ], ['src/worker.ts', 'src/worker/**', 'src/sandbox/**']),
  ...layerRules('src/sandbox/**/*.ts', [
    { regex: '^\\.\\./(?!\\.\\./core/)', message: 'The sandbox stands in for the vendors: it imports core/ only, never our adapters or the API.' },
  ]),
  ...layerRules('migrations/**/*.ts', [
    { regex: '^\\.\\./(?!core/)', message: 'Migrations may import core/ only.' },
  ]),
  {
    files: ['**/*.{js,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', fetch: 'readonly', performance: 'readonly' } },
  },
);
