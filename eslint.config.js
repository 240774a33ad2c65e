import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { defineConfig, globalIgnores } from 'eslint/config';

const coreBoundary = {
  patterns: [
    {
      group: [
        'react',
        'react-dom',
        'zustand',
        'comlink',
        'd3-selection',
        'd3-zoom',
        '**/ui/**',
        '**/state/**',
        '**/charts/**',
        '**/worker/**',
        '**/cli/**',
        'd3',
        'd3-*',
      ],
      message: 'src/core must stay framework-free (runs in Node tests and in workers); charts own d3.',
    },
  ],
};

/** One layer of the engine: its files may not import the folders above it (nor leave core's boundary). */
function engineLayer(files, forbidden, message) {
  return {
    files,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...coreBoundary.patterns, { group: forbidden, message }] }],
    },
  };
}

export default defineConfig([
  globalIgnores([
    'dist',
    'dev-dist',
    'dist-node',
    'playwright-report',
    'test-results',
    'node_modules',
    '.test-results',
  ]),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      // Type-aware rules: a promise nobody awaits or handles, or one passed where a void callback is expected.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', coreBoundary],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'location'],
    },
  },
  // Inside the engine: evaluate/ (every estimator, evaluate-one-plan) sits below search/ (enumerate, prune, rank).
  engineLayer(
    ['src/core/evaluate/**/*.ts', 'src/core/sim/**/*.ts'],
    ['**/search/**', '**/views/**'],
    'evaluate/ and sim/ sit below search/ and views/.',
  ),
  // KV layering: core/kv holds the per-family formulas and sits below cost/; core/kvplan composes them
  // on a deployment and sits above cost/, which reaches it only through its own cost/kv-hook.ts.
  engineLayer(
    ['src/core/cost/**/*.ts'],
    ['**/search/**', '**/views/**', '**/kvplan/**', '**/evaluate/**', '**/sim/**'],
    'cost/ sits below kvplan/, evaluate/, sim/, search/ and views/: declare what it needs (cost/kv-hook.ts).',
  ),
  engineLayer(
    ['src/core/kv/**/*.ts'],
    ['**/search/**', '**/views/**', '**/cost/**', '**/kvplan/**', '**/evaluate/**', '**/sim/**'],
    'core/kv (per-family KV formulas) sits below cost/; composing them on a deployment is kvplan/.',
  ),
  engineLayer(
    ['src/core/kvplan/**/*.ts'],
    ['**/search/**', '**/views/**', '**/evaluate/**', '**/sim/**'],
    'kvplan/ sits below evaluate/, sim/, search/ and views/.',
  ),
  {
    // Views read the search through its public entry (search/index.ts), never its internals.
    files: ['src/core/views/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...coreBoundary.patterns,
            { group: ['**/search/*', '!**/search/index.ts'], message: 'views import search/index.ts only.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'location'],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/ui/**', '**/charts/**', '**/state/**', 'react', 'zustand'],
              message: 'worker sits on core only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/ui/**', '**/charts/**'], message: 'state sits below ui.' }] },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/ui/**',
                '**/charts/**',
                '**/state/**',
                '**/worker/**',
                'react',
                'react-dom',
                'zustand',
                'comlink',
                'd3',
              ],
              message: 'the CLI runs on core only (Node, no DOM).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/charts/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['zustand', '**/state/**', '**/ui/**'], message: 'charts take props only.' }] },
      ],
    },
  },
]);
