/**
 * Runs a device tool (mtx, mt) without a shell, with a deadline, and turns every failure into a
 * DeviceError('DEVICE_FAILED') whose message names the command and the tool's own first words.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { DeviceError } from './adapters.js';

export interface ToolRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** What to tell the administrator when the command does not exist, e.g. "install mtx or set --mtx-command". */
  readonly missingHint: string;
}

export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

export function runTool(run: ToolRun): Promise<ToolOutput> {
  const commandLine = [run.command, ...run.args].join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      run.command,
      [...run.args],
      { timeout: run.timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        reject(toDeviceError(error, commandLine, stderr, run));
      },
    );
  });
}

function toDeviceError(error: ExecFileException, commandLine: string, stderr: string, run: ToolRun): DeviceError {
  if (error.code === 'ENOENT') return new DeviceError('DEVICE_FAILED', `${run.command} was not found (running "${commandLine}"); ${run.missingHint}`);
  if (error.code === 'EACCES') return new DeviceError('DEVICE_FAILED', `${run.command} is not executable (running "${commandLine}"); check its permissions or ${run.missingHint}`);
  if (error.killed && error.signal) {
    return new DeviceError(
      'DEVICE_FAILED',
      `"${commandLine}" timed out after ${run.timeoutMs} ms and was stopped; check that the device is online and not busy, then try again`,
    );
  }
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new DeviceError('DEVICE_FAILED', `"${commandLine}" printed more than ${MAX_OUTPUT} bytes; check that ${run.command} is the right tool`);
  }
  const said = firstLine(stderr) ?? 'it printed nothing on stderr';
  const how = typeof error.code === 'number' ? `exit status ${error.code}` : error.signal ? `signal ${error.signal}` : String(error.code ?? error.message);
  return new DeviceError('DEVICE_FAILED', `${said} (from "${commandLine}", ${how})`);
}

function firstLine(text: string): string | null {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '');
  return line === undefined ? null : line.trim().slice(0, 300);
}
