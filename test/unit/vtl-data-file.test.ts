/**
 * A data file on a virtual cartridge: what is written is on disk byte for byte after close, written
 * with O_DIRECT where the filesystem takes it and buffered with `FLOE_VTL_WRITE=buffered` (past the
 * background flush threshold: datasync while writes continue), and a file is never created twice.
 */
import { randomBytes } from 'node:crypto';
import { constants, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLibrary } from '../../agent/devices/vtl/create-library.js';
import { VtlChanger } from '../../agent/devices/vtl/vtl-changer.js';
import { VtlDrive } from '../../agent/devices/vtl/vtl-drive.js';
import { tempDir } from '../helpers/agents.js';
import { openFlags, probeDirect } from '../helpers/direct-io.js';

async function loadedDrive(): Promise<{ drive: VtlDrive; cartridge: string }> {
  const root = join(tempDir('vtl-data'), 'lib1');
  createLibrary(root, { drives: 1, slots: 2, ieSlots: 0, capacity: 1024 ** 3, barcodePrefix: 'TST' }, new Date('2026-11-29T12:00:00Z'));
  const changer = new VtlChanger(root);
  await changer.load(1, 0);
  const cartridge = changer.loadedCartridgeDir(0);
  if (cartridge === null) throw new Error('no cartridge loaded');
  return { drive: new VtlDrive(changer, 0), cartridge };
}

describe('VTL data files', () => {
  /** Runs `body` with FLOE_VTL_WRITE set as given (undefined: unset), restoring it after. */
  async function withWriteMode(mode: string | undefined, body: () => Promise<void>): Promise<void> {
    const before = process.env.FLOE_VTL_WRITE;
    if (mode === undefined) delete process.env.FLOE_VTL_WRITE;
    else process.env.FLOE_VTL_WRITE = mode;
    try {
      await body();
    } finally {
      if (before === undefined) delete process.env.FLOE_VTL_WRITE;
      else process.env.FLOE_VTL_WRITE = before;
    }
  }

  for (const mode of [undefined, 'buffered']) {
    it(`keeps every byte of a file written past several background flushes (FLOE_VTL_WRITE ${mode ?? 'unset'})`, async () => {
      await withWriteMode(mode, async () => {
        const { drive, cartridge } = await loadedDrive();
        const pieces = Array.from({ length: 20 }, () => randomBytes(4 * 1024 * 1024 + 123));
        const writer = await drive.createFile(1, 'S1.c000');
        for (const piece of pieces) await writer.write(piece);
        await writer.close();
        const [name] = readdirSync(cartridge).filter((file) => file.startsWith('00001.'));
        expect(name).toBe('00001.S1.c000');
        expect(readFileSync(join(cartridge, name ?? '')).equals(Buffer.concat(pieces))).toBe(true);
        expect(await drive.fileSize(1, 'S1.c000')).toBe(pieces.reduce((sum, piece) => sum + piece.length, 0));
      });
    });
  }

  it('opens a data file with O_DIRECT where the filesystem takes it, and not with FLOE_VTL_WRITE=buffered', async () => {
    const { drive, cartridge } = await loadedDrive();
    const { direct } = await probeDirect(cartridge);
    const path = join(cartridge, '00001.S1.c000');
    const writer = await drive.createFile(1, 'S1.c000');
    const flags = openFlags(path);
    await writer.close();
    expect(flags.some((flag) => (flag & constants.O_DIRECT) !== 0)).toBe(direct);
    await withWriteMode('buffered', async () => {
      const buffered = await drive.createFile(2, 'S1.c001');
      const bufferedFlags = openFlags(join(cartridge, '00002.S1.c001'));
      await buffered.close();
      expect(bufferedFlags.length).toBe(1);
      expect(bufferedFlags.some((flag) => (flag & constants.O_DIRECT) !== 0)).toBe(false);
    });
  });

  it('refuses to create a data file that exists', async () => {
    const { drive } = await loadedDrive();
    const writer = await drive.createFile(1, 'S1.c000');
    await writer.write(Buffer.from('first'));
    await writer.close();
    await expect(drive.createFile(1, 'S1.c000')).rejects.toThrow(/EEXIST/);
  });
});
