/**
 * Writes one saveset stream onto media as numbered files ("chunks"), continuing on the next medium
 * when one fills: `cat` of the chunks in order is the saveset's stream. Each chunk is flushed
 * (fsync of the file and its directory) before the next begins. Each byte is checksummed once, as
 * it is batched for a write; a chunk's CRC-32 combines the CRCs of its completed writes
 * (crc32Combine).
 *
 * End of medium: a medium also ends when a write throws EndOfMedium (a tape drive's ENOSPC). A
 * chunk's bytes and CRC therefore count only writes that completed (`settle`, combining the batch's
 * CRC); the bytes the medium did not take, and everything batched after them, go to the next medium
 * (`spill`); a medium full before its first byte records no chunk.
 */
import { crc32Combine, crc32Hex, fastCrc32 } from './checksum.js';
import type { Mount } from '../devices/device-service.js';
import { isEndOfMedium, type DataFileWriter } from '../devices/adapters.js';
import type { ChunkRecord } from './engine-store.js';

/** Media with less room than this counts as full. */
const MIN_ROOM = 64 * 1024;
/** Writes go to the media in pieces of this size (small writes halve the throughput). */
const WRITE_BATCH = 4 * 1024 * 1024;

export interface MediaSource {
  /** Media to write on, mounted in a drive (may wait for media). */
  next(): Promise<Mount>;
  /** The writer is done with this medium (`filled`: it has no room left). */
  done(mount: Mount, filled: boolean): Promise<void>;
}

interface Open {
  mount: Mount;
  writer: DataFileWriter;
  fileNumber: number;
  name: string;
  room: number;
  /** Bytes and CRC-32 of the writes that completed. */
  bytes: number;
  crc: number;
  pending: Buffer[];
  pendingBytes: number;
  /** CRC-32 of the pending bytes. */
  pendingCrc: number;
  /** The write in flight: the next batch fills while it runs. */
  inFlight: Promise<void>;
  /** Set when the medium ended: the bytes of the failed write it did not take. */
  overflow: Buffer | null;
}

export class ChunkWriter {
  private current: Open | null = null;
  private readonly chunks: ChunkRecord[] = [];
  /** Labels written, with the bytes each got and whether it filled. */
  readonly media = new Map<string, { bytes: number; filled: boolean }>();

  constructor(
    private readonly saveset: string,
    private readonly source: MediaSource,
  ) {}

  get mount(): Mount | null {
    return this.current?.mount ?? null;
  }

  /** Writes `data`; `crc`, its CRC-32 if the caller has it, spares reading it again (computed for a part the medium's end splits off). */
  async write(data: Buffer, crc?: number): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const open = this.current ?? (await this.open());
      const take = Math.min(open.room, data.length - offset);
      const slice = data.subarray(offset, offset + take);
      open.pending.push(slice);
      open.pendingBytes += take;
      open.pendingCrc = crc !== undefined && take === data.length ? crc32Combine(open.pendingCrc, crc, take) : fastCrc32(slice, open.pendingCrc);
      open.room -= take;
      offset += take;
      if (open.pendingBytes >= WRITE_BATCH) await this.flush(open);
      if (open.overflow) await this.spill(open);
      else if (open.room === 0) await this.closeCurrent(true);
    }
  }

  /** Closes the last chunk; the media stays mounted until `release`. */
  async finish(): Promise<ChunkRecord[]> {
    while (this.current) {
      const open = this.current;
      await this.flush(open, true);
      if (open.overflow) {
        await this.spill(open);
        continue;
      }
      await open.writer.close();
      this.record(open, false);
      break;
    }
    return this.chunks;
  }

  /** Returns the mounted medium (after finish, or after a failure). */
  async release(): Promise<void> {
    const open = this.current;
    this.current = null;
    if (open) await this.source.done(open.mount, false);
  }

  /** Removes the chunk being written (cancel or failure); finished chunks stay, invisible to the catalog. */
  async discard(): Promise<void> {
    const open = this.current;
    if (!open) return;
    await open.inFlight.catch(() => undefined);
    await open.writer.close().catch(() => undefined);
    await open.mount.io.discardFile(open.fileNumber, open.name).catch(() => undefined);
  }

  private async open(): Promise<Open> {
    for (;;) {
      const mount = await this.source.next();
      const room = await mount.io.remaining();
      if (room < MIN_ROOM) {
        this.media.set(mount.label, { bytes: this.media.get(mount.label)?.bytes ?? 0, filled: true });
        await this.source.done(mount, true);
        continue;
      }
      const fileNumber = await mount.io.nextFileNumber();
      const name = `${this.saveset}.c${String(this.chunks.length).padStart(3, '0')}`;
      const writer = await mount.io.createFile(fileNumber, name);
      this.current = { mount, writer, fileNumber, name, room, bytes: 0, crc: 0, pending: [], pendingBytes: 0, pendingCrc: 0, inFlight: Promise.resolve(), overflow: null };
      return this.current;
    }
  }

  /**
   * Resolves once every byte passed to `write` so far is on the media (a medium that ended on the
   * way included): nothing refers to those buffers any more, so the caller may reuse them.
   */
  async settled(): Promise<void> {
    for (let open = this.current; open; open = this.current) {
      await this.flush(open, true);
      if (!open.overflow) return;
      await this.spill(open);
    }
  }

  private record(open: Open, filled: boolean): void {
    this.chunks.push({ index: this.chunks.length, label: open.mount.label, fileNumber: open.fileNumber, name: open.name, bytes: open.bytes, checksum: crc32Hex(open.crc) });
    const before = this.media.get(open.mount.label);
    this.media.set(open.mount.label, { bytes: (before?.bytes ?? 0) + open.bytes, filled: filled || (before?.filled ?? false) });
  }

  /** Starts writing the batch once the previous write has finished; `wait` also waits for this one. */
  private async flush(open: Open, wait = false): Promise<void> {
    if (open.pendingBytes > 0) {
      await open.inFlight;
      if (open.overflow) return; // the medium ended: what is pending goes to the next one (spill)
      const data = open.pending.length === 1 ? (open.pending[0] ?? Buffer.alloc(0)) : Buffer.concat(open.pending, open.pendingBytes);
      const crc = open.pendingCrc;
      open.pending = [];
      open.pendingBytes = 0;
      open.pendingCrc = 0;
      open.inFlight = this.settle(open, open.writer.write(data), data, crc);
      open.inFlight.catch(() => undefined); // awaited by the next flush; never an unhandled rejection meanwhile
    }
    if (wait) await open.inFlight;
  }

  /** Counts a write into its chunk once it completed; EndOfMedium keeps the part the medium did not take. */
  private settle(open: Open, write: Promise<void>, data: Buffer, crc: number): Promise<void> {
    return write.then(
      () => {
        open.crc = crc32Combine(open.crc, crc, data.length);
        open.bytes += data.length;
      },
      (error: unknown) => {
        if (!isEndOfMedium(error)) throw error;
        const accepted = Math.max(0, Math.min(error.accepted, data.length));
        open.crc = fastCrc32(data.subarray(0, accepted), open.crc);
        open.bytes += accepted;
        open.overflow = data.subarray(accepted);
      },
    );
  }

  /** The medium ended: close its chunk (an empty one is not recorded) and write the rest on the next medium. */
  private async spill(open: Open): Promise<void> {
    await open.inFlight;
    const rest = [open.overflow ?? Buffer.alloc(0), ...open.pending];
    open.pending = [];
    open.pendingBytes = 0;
    open.pendingCrc = 0;
    await open.writer.close();
    if (open.bytes > 0) this.record(open, true);
    else {
      // Full before this chunk's first byte: no chunk here, only the medium marked full.
      await open.mount.io.discardFile(open.fileNumber, open.name).catch(() => undefined);
      this.media.set(open.mount.label, { bytes: this.media.get(open.mount.label)?.bytes ?? 0, filled: true });
    }
    this.current = null;
    await this.source.done(open.mount, true);
    for (const piece of rest) if (piece.length > 0) await this.write(piece);
  }

  private async closeCurrent(filled: boolean): Promise<void> {
    const open = this.current;
    if (!open) return;
    await this.flush(open, true);
    if (open.overflow) return this.spill(open);
    await open.writer.close();
    this.record(open, filled);
    this.current = null;
    await this.source.done(open.mount, filled);
  }
}
