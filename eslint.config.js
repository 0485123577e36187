// Typed ESLint for the whole project. Import zones follow ARCHITECTURE.md section 1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const zones = [
  { target: './renderer', from: './electron', message: 'renderer/ talks to main only through the bridge.' },
  { target: './renderer', from: './server', message: 'renderer/ never imports server/.' },
  { target: './shared', from: './electron', message: 'shared/ imports nothing outside itself.' },
  { target: './shared', from: './renderer', message: 'shared/ imports nothing outside itself.' },
  { target: './shared', from: './server', message: 'shared/ imports nothing outside itself.' },
  { target: './server', from: './renderer', message: 'server/ never imports renderer/.' },
  { target: './electron/vault', from: './electron/main', message: 'The engine never depends on the shell.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', '.tools/', '.tmp/', 'release/', 'test-results/', 'bin/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    rules: {
      curly: ['error', 'all'],
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    files: ['electron/vault/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The engine and shared/ never import electron.' }] },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ never imports electron.' }],
          patterns: [{ group: ['node:*'], message: 'shared/ runs in the renderer too: no node:* imports.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['electron/cli/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'], rules: { 'no-console': 'off' } },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
