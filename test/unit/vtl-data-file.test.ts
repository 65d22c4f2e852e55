/**
 * A data file on a virtual cartridge: what is written is on disk byte for byte after close, also
 * when the file grows past the background flush threshold (datasync while writes continue), and
 * a file is never created twice.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLibrary } from '../../agent/devices/vtl/create-library.js';
import { VtlChanger } from '../../agent/devices/vtl/vtl-changer.js';
import { VtlDrive } from '../../agent/devices/vtl/vtl-drive.js';
import { tempDir } from '../helpers/agents.js';

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
  it('keeps every byte of a file written past several background flushes', async () => {
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

  it('refuses to create a data file that exists', async () => {
    const { drive } = await loadedDrive();
    const writer = await drive.createFile(1, 'S1.c000');
    await writer.write(Buffer.from('first'));
    await writer.close();
    await expect(drive.createFile(1, 'S1.c000')).rejects.toThrow(/EEXIST/);
  });
});
