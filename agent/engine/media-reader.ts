/**
 * Reads a saveset's chunks back in order, mounting each medium as needed, checking each chunk's
 * size and checksum (the saveset's algorithm: CRC-32, or SHA-256 for older savesets) as it streams. A damaged chunk is named; what came before it stays usable.
 */
import { FloeError } from '../../shared/errors.js';
import type { DeviceService, Mount } from '../devices/device-service.js';
import { waitForDevices, type EngineDeps } from './backup-run.js';
import { createChecksum } from './checksum.js';
import type { ChunkRecord } from './engine-store.js';
import type { RunningJob } from './job-manager.js';

export class ChunkDamage extends FloeError {
  constructor(
    readonly chunk: ChunkRecord,
    message: string,
  ) {
    super('DEVICE_FAILED', message);
  }
}

async function mountFor(job: RunningJob, devices: DeviceService, label: string, retryMs: number): Promise<Mount> {
  for (;;) {
    const mount = await devices.mount(job.id, label);
    if (mount) return mount;
    job.update({ state: 'queued', message: `waiting for a free drive to read ${label}` });
    await waitForDevices(devices, job.signal, retryMs);
  }
}

/**
 * Yields the saveset's bytes; a chunk whose size or checksum is wrong throws ChunkDamage at its end,
 * or, with `onDamage`, is reported there and reading goes on (a restore saves what it can).
 */
export async function* readChunks(job: RunningJob, deps: EngineDeps, saveset: string, chunks: readonly ChunkRecord[], onDamage?: (damage: ChunkDamage) => void): AsyncGenerator<Buffer> {
  const algorithm = deps.store.checksumAlgorithm(saveset);
  const damaged = (damage: ChunkDamage): void => {
    if (!onDamage) throw damage;
    onDamage(damage);
  };
  let mount: Mount | null = null;
  try {
    for (const chunk of chunks) {
      job.signal.throwIfAborted();
      if (mount?.label !== chunk.label) {
        if (mount) await deps.devices.unmount(mount);
        mount = null;
        mount = await mountFor(job, deps.devices, chunk.label, deps.retryMs ?? 5000);
        job.update({ state: 'running', drive: { loader: mount.loader, number: mount.drive }, message: null });
      }
      const hash = createChecksum(algorithm);
      let bytes = 0;
      let stream;
      try {
        stream = await mount.io.readFile(chunk.fileNumber, chunk.name);
      } catch (error) {
        throw new ChunkDamage(chunk, `saveset ${saveset} chunk ${chunk.index} (file ${chunk.fileNumber} on ${chunk.label}) cannot be read: ${(error as Error).message}`);
      }
      // The last piece of each chunk is held back until the chunk is checked, so a consumer that stops
      // at the archive's end still learns about damage.
      let held: Buffer | null = null;
      for await (const data of stream) {
        hash.update(data);
        bytes += data.length;
        if (held) yield held;
        held = data;
      }
      if (bytes !== chunk.bytes) damaged(new ChunkDamage(chunk, `saveset ${saveset} chunk ${chunk.index} (file ${chunk.fileNumber} on ${chunk.label}) has ${bytes} bytes, the catalog recorded ${chunk.bytes}`));
      else if (hash.digest() !== chunk.checksum) damaged(new ChunkDamage(chunk, `saveset ${saveset} chunk ${chunk.index} (file ${chunk.fileNumber} on ${chunk.label}) does not match its checksum: the data is damaged`));
      if (held) yield held;
    }
  } finally {
    if (mount) await deps.devices.unmount(mount).catch(() => undefined);
  }
}
