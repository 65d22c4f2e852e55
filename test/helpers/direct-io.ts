/** What the kernel does with O_DIRECT in a directory, and the open flags of this process's descriptors on a file. */
import { constants, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** Direct I/O in `dir`: accepted at all, and whether a misaligned buffer is refused (EINVAL). */
export async function probeDirect(dir: string): Promise<{ direct: boolean; checksAlignment: boolean }> {
  const path = join(dir, `probe-${process.pid}`);
  const flag = constants.O_DIRECT as number | undefined;
  if (flag === undefined) return { direct: false, checksAlignment: false };
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | flag, 0o600);
  } catch {
    return { direct: false, checksAlignment: false };
  }
  try {
    const memory = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
    await handle.write(memory, 0, 4096, 0);
    const refused = await handle.write(memory, 1, 4096, 4096).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'EINVAL',
    );
    return { direct: true, checksAlignment: refused };
  } finally {
    await handle.close();
  }
}

/** The `flags` (from /proc/self/fdinfo) of every descriptor this process holds open on `path`. */
export function openFlags(path: string): number[] {
  const flags: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target !== path) continue;
    const line = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    if (line?.[1] !== undefined) flags.push(Number.parseInt(line[1], 8));
  }
  return flags;
}
