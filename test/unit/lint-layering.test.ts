/** The layering rules of ARCHITECTURE.md, checked by running the project's ESLint config on snippets. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/agents.js';

const eslint = new ESLint({ cwd: REPO_ROOT });
async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${file}` });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('lint layering', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['shared/x.ts', "import { io } from 'socket.io-client';\nexport const x = io;"],
    ['renderer/src/x.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;"],
    ['renderer/src/x.ts', "import { startAgent } from '../../agent/server/agent.js';\nexport const x = startAgent;"],
    ['agent/x.ts', "import { createConsoleCore } from '../main/core/console-core.js';\nexport const x = createConsoleCore;"],
    ['main/core/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['main/core/x.ts', "import { TokenStore } from '../../agent/tokens.js';\nexport const x = TokenStore;"],
    ['main/shell/x.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;"],
    ['main/shell/x.ts', "declare const w: { webContents: { send(c: string): void } };\nw.webContents.send('floe');\nexport {};"],
    ['renderer/src/x.ts', 'export default 1;'],
  ])('refuses %s: %s', async (file, code) => {
    expect(await messages(file, code)).not.toEqual([]);
  });

  it.each([
    ['main/shell/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['main/shell/ipc.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;"],
    ['renderer/src/x.ts', "import { STATUS_WORDS } from '../../shared/fleet';\nexport const x = STATUS_WORDS;"],
    ['agent/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
  ])('allows %s: %s', async (file, code) => {
    expect(await messages(file, code)).toEqual([]);
  });
});
