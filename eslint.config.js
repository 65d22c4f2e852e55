// Lint enforces the folder layering of ARCHITECTURE.md and bans raw IPC outside the typed wrappers.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const ban = (names, message) => names.map((name) => ({ name, message }));
const banPatterns = (group, message) => ({ group, message });

const layer = {
  shared: {
    paths: [...ban(nodeBuiltins, 'shared/ is pure TypeScript: no Node built-ins'), ...ban(['electron', 'socket.io', 'socket.io-client', 'react', 'react-dom', 'zustand', 'pino', 'commander'], 'shared/ may import only pure packages (zod)')],
    patterns: [banPatterns(['**/agent/**', '**/main/**', '**/renderer/**', '**/test/**'], 'shared/ imports nothing from the other layers')],
  },
  agent: {
    paths: ban(['electron', 'react', 'react-dom', 'zustand'], 'the agent is a Node service: no Electron or UI code'),
    patterns: [banPatterns(['**/main/**', '**/renderer/**', '**/test/**'], 'agent/ may import only shared/')],
  },
  main: {
    paths: ban(['react', 'react-dom', 'zustand', 'better-sqlite3'], 'main/ holds no UI code and none of the agent\'s native modules'),
    patterns: [banPatterns(['**/agent/**', '**/renderer/**', '**/test/**'], 'main/ may import only shared/')],
  },
  renderer: {
    paths: [...ban(nodeBuiltins, 'the renderer runs in the DOM: no Node built-ins'), ...ban(['electron', 'socket.io', 'pino', 'commander'], 'the renderer reaches the console only through its bridge')],
    patterns: [banPatterns(['**/agent/**', '**/main/**', '**/test/**'], 'renderer/ may import only shared/')],
  },
};
const electronBan = ban(['electron'], 'only the Electron shell (main/shell, main/preload) imports electron');

const rawIpc = [
  { selector: "Identifier[name='ipcMain']", message: 'use the typed wrappers in main/shell/ipc.ts' },
  { selector: "Identifier[name='ipcRenderer']", message: 'use the preload (main/preload/index.ts)' },
  { selector: "MemberExpression[property.name='send'][object.property.name='webContents']", message: 'push through forwardTopics in main/shell/ipc.ts' },
];
const noDefaultExport = { selector: 'ExportDefaultDeclaration', message: 'use named exports' };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noDefaultExport, ...rawIpc],
    },
  },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', layer.shared] } },
  { files: ['agent/**/*.ts'], rules: { 'no-restricted-imports': ['error', layer.agent] } },
  { files: ['main/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [...layer.main.paths, ...electronBan], patterns: layer.main.patterns }] } },
  { files: ['main/shell/**/*.ts', 'main/preload/**/*.ts'], rules: { 'no-restricted-imports': ['error', layer.main] } },
  { files: ['renderer/**/*.ts', 'renderer/**/*.tsx'], rules: { 'no-restricted-imports': ['error', layer.renderer] } },
  // The typed IPC wrappers are the one place raw IPC is allowed (and tests, which mock electron).
  { files: ['main/shell/ipc.ts', 'main/preload/index.ts', 'test/**/*.ts'], rules: { 'no-restricted-syntax': ['error', noDefaultExport] } },
  // Tool configuration files must default-export.
  { files: ['*.config.ts', '*.config.js', 'test/**/*.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
