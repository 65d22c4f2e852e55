// The benchmarks' small-file tree: `count` files of 1–8 KiB in 200 directories (d0..d19/e0..e9),
// their bytes taken from one random pool; returns the total bytes written.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeSmallTree(dir, count) {
  const pool = randomBytes(64 * 1024);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${i % 20}`, `e${Math.floor(i / 20) % 10}`);
    if (i < 200) mkdirSync(sub, { recursive: true });
    const size = 1024 + ((i * 2654435761) % (7 * 1024));
    const start = (i * 4099) % (pool.length - size);
    writeFileSync(join(sub, `f${i}.dat`), pool.subarray(start, start + size));
    bytes += size;
  }
  return bytes;
}
