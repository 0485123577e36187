// Typed ESLint for the whole project. The import rules of docs/architecture.md are enforced with
// the core `no-restricted-imports` rule, one complete set per folder (a later block replaces an
// earlier one for the same rule, so each folder's block lists everything it forbids).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronModule = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const folder = (name, message) => ({ group: [`**/${name}/**`, `${name}/**`], message });

const zones = {
  renderer: [
    folder('electron', 'renderer/ talks to the main process only through the bridge.'),
    folder('server', 'renderer/ never imports server/.'),
  ],
  shared: [
    folder('electron', 'shared/ imports nothing outside itself.'),
    folder('renderer', 'shared/ imports nothing outside itself.'),
    folder('server', 'shared/ imports nothing outside itself.'),
    { group: ['node:*'], message: 'shared/ runs in the renderer too: no node:* imports.' },
  ],
  vault: [
    folder('main', 'The engine never depends on the Electron shell.'),
    folder('renderer', 'The engine never imports renderer/.'),
    folder('server', 'The engine never imports server/.'),
  ],
  cli: [
    folder('main', 'The CLI never depends on the Electron shell.'),
    folder('renderer', 'The CLI never imports renderer/.'),
  ],
  server: [
    folder('electron', 'server/ imports shared/ only: never the engine, the CLI or the Electron shell.'),
    folder('renderer', 'server/ imports shared/ only: never renderer/.'),
    folder('test', 'server/ is production code: never imports test/.'),
  ],
};
const restrict = (patterns, paths = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', '.tools/', '.tmp/', 'release/', 'test-results/', 'bin/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      curly: ['error', 'all'],
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': restrict(zones.renderer, [electronModule]) },
  },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': restrict(zones.shared, [electronModule]) } },
  {
    files: ['electron/vault/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(zones.vault, [electronModule]) },
  },
  {
    files: ['electron/cli/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(zones.cli, [electronModule]) },
  },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': restrict(zones.server, [electronModule]) } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['electron/cli/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'], rules: { 'no-console': 'off' } },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
