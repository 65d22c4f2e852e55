/**
 * Verifies a saveset. Structure: every chunk is on its medium with the recorded size. With
 * `readData`: every chunk's checksum, then the archive itself — each file's checksum against the
 * index (with the saveset's algorithm: CRC-32, or SHA-256 for savesets written before 2026-11-29). Damage names the saveset, the chunk and the files affected.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { FloeError } from '../../shared/errors.js';
import type { Saveset } from '../../shared/engine.js';
import type { EngineDeps } from './backup-run.js';
import type { RunningJob } from './job-manager.js';
import { ChunkDamage, readChunks } from './media-reader.js';
import { TarIndexer } from './tar/tar-indexer.js';

export async function runVerify(job: RunningJob, saveset: Saveset, readData: boolean, deps: EngineDeps): Promise<void> {
  const chunks = deps.store.chunks(saveset.id);
  job.update({ state: 'running', startedAt: deps.ctx.clock().toISOString(), saveset: saveset.id });
  const problems: string[] = [];

  if (!readData) {
    for (const chunk of chunks) {
      const mount = await deps.devices.mount(job.id, chunk.label);
      if (!mount) throw new FloeError('BUSY', `no free drive to verify ${chunk.label}; try again later`);
      try {
        const size = await mount.io.fileSize(chunk.fileNumber, chunk.name);
        if (size === null) problems.push(`chunk ${chunk.index} (file ${chunk.fileNumber} on ${chunk.label}) is missing`);
        else if (size !== chunk.bytes) problems.push(`chunk ${chunk.index} (file ${chunk.fileNumber} on ${chunk.label}) has ${size} bytes, the catalog recorded ${chunk.bytes}`);
      } finally {
        await deps.devices.unmount(mount);
      }
    }
  } else {
    const expected = new Map<string, string>();
    for (const entry of deps.store.indexOf(saveset.id)) if (entry.checksum && !entry.deleted) expected.set(entry.path, entry.checksum);
    const seen = new Set<string>();
    let files = 0;
    const indexer = new TarIndexer({
      checksum: deps.store.checksumAlgorithm(saveset.id),
      onEntry: (entry) => {
        const path = `/${entry.path.replace(/\/+$/, '')}`;
        seen.add(path);
        files += 1;
        job.update({ files, currentFile: path });
        const want = expected.get(path);
        if (want && entry.checksum !== want) problems.push(`file ${path} does not match its checksum`);
      },
    });
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    // Damaged chunks are reported and reading goes on, so every file's checksum is still compared.
    const raw = Readable.from(readChunks(job, deps, saveset.id, chunks, (damage) => problems.push(damage.message)));
    try {
      if (saveset.compress === 'gzip') await pipeline(raw, createGunzip(), indexer, sink);
      else await pipeline(raw, indexer, sink);
    } catch (error) {
      if (error instanceof ChunkDamage) problems.push(error.message);
      else problems.push(`the archive of ${saveset.id} is unreadable: ${(error as Error).message}`);
      const lost = [...expected.keys()].filter((path) => !seen.has(path));
      if (lost.length > 0) problems.push(`${lost.length} files after the damage cannot be read: ${lost.slice(0, 20).join(', ')}${lost.length > 20 ? ', …' : ''}`);
    }
  }

  for (const problem of problems) job.log('error', problem);
  if (problems.length > 0) throw new FloeError('DEVICE_FAILED', `saveset ${saveset.id} is damaged: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more; see the protocol)` : ''}`);
  job.log('info', `saveset ${saveset.id} verified (${chunks.length} chunks${readData ? ', data read back' : ''})`);
  job.update({ state: 'successful', message: `verified ${chunks.length} chunks${readData ? ' and their data' : ''}` });
}
