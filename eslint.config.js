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
      ],
      message: 'src/core must stay framework-free (runs in Node tests and in workers).',
    },
  ],
};

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
  {
    files: ['src/worker/**/*.ts', 'src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/ui/**', '**/charts/**'], message: 'worker/state sit below ui.' }] },
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
