import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../agent/devices/adapters.js';
import { parseMtxStatus } from '../../agent/devices/mtx/parse-status.js';
import { decodeLabelBlock, encodeLabelBlock, LABEL_BLOCK_SIZE, LABEL_MAGIC } from '../../agent/devices/tape/label-block.js';
import { hasTape, parseMtStatus } from '../../agent/devices/tape/mt-status.js';
import { isCleaningBarcode, loaderElementSchema, type LoaderElement } from '../../shared/devices.js';
import { REPO_ROOT } from '../helpers/agents.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/mtx');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const EXCERPT = 'loaded-drive-45-slots-5-ie-excerpt.txt';

function parseFailure(text: string): DeviceError {
  try {
    parseMtxStatus(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('PARSE_FAILED');
    return error as DeviceError;
  }
  throw new Error('expected parseMtxStatus to throw');
}

const byKind = (elements: LoaderElement[], kind: LoaderElement['kind']) => elements.filter((e) => e.kind === kind);
const slot = (elements: LoaderElement[], number: number) => elements.find((e) => e.kind !== 'drive' && e.number === number);

describe('mtx status fixtures', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'));

  it('holds the real samples and the synthetic ones', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'two-drives-24-slots-4-ie.txt',
        EXCERPT,
        'synthetic-loaded-drive-45-slots-5-ie-full.txt',
        'synthetic-sense-noise-padded-tags.txt',
        'synthetic-no-barcode-reader.txt',
      ]),
    );
  });

  it.each(files.filter((name) => name !== EXCERPT))('%s parses into schema-valid, ordered, consistent elements', (name) => {
    const status = parseMtxStatus(fixture(name));
    expect(status.elements).toHaveLength(status.drives + status.slots + status.ieSlots);
    for (const element of status.elements) expect(loaderElementSchema.parse(element)).toEqual(element);
    expect(byKind(status.elements, 'drive').map((e) => e.number)).toEqual([...Array(status.drives).keys()]);
    expect(byKind(status.elements, 'slot').map((e) => e.number)).toEqual([...Array(status.slots).keys()].map((i) => i + 1));
    expect(byKind(status.elements, 'ie').map((e) => e.number)).toEqual([...Array(status.ieSlots).keys()].map((i) => status.slots + i + 1));
    for (const drive of byKind(status.elements, 'drive').filter((d) => d.homeSlot !== null)) {
      expect(slot(status.elements, drive.homeSlot as number)?.full).toBe(false);
    }
  });

  it('refuses the real excerpt as truncated (a real changer prints every slot)', () => {
    const error = parseFailure(fixture(EXCERPT));
    expect(error.message).toContain('line 1 "Storage Changer /dev/changer:2 Drives, 45 Slots ( 5 Import/Export )"');
    expect(error.message).toMatch(/2 slot line\(s\).*truncated/);
  });

  it('reads two-drives-24-slots-4-ie exactly', () => {
    const status = parseMtxStatus(fixture('two-drives-24-slots-4-ie.txt'));
    expect([status.drives, status.slots, status.ieSlots]).toEqual([2, 20, 4]);
    expect(byKind(status.elements, 'drive')).toEqual([
      { kind: 'drive', number: 0, full: false, barcode: null, homeSlot: null },
      { kind: 'drive', number: 1, full: false, barcode: null, homeSlot: null },
    ]);
    const full = status.elements.filter((e) => e.full);
    expect(full.map((e) => [e.number, e.barcode])).toEqual([
      [1, 'CLN002CU'],
      [2, 'test22L1'],
      [3, 'test23L1'],
      [4, 'CLN001CU'],
      [5, 'test1'],
    ]);
    expect(full.filter((e) => isCleaningBarcode(e.barcode)).map((e) => e.number)).toEqual([1, 4]);
    expect(byKind(status.elements, 'ie').map((e) => [e.number, e.full])).toEqual([
      [21, false],
      [22, false],
      [23, false],
      [24, false],
    ]);
  });

  it('reads the completed 45-slot changer: loaded drive names its home slot, i/e slots 41-45', () => {
    const status = parseMtxStatus(fixture('synthetic-loaded-drive-45-slots-5-ie-full.txt'));
    expect([status.drives, status.slots, status.ieSlots]).toEqual([2, 40, 5]);
    expect(status.elements[0]).toEqual({ kind: 'drive', number: 0, full: true, barcode: '000000', homeSlot: 1 });
    expect(status.elements[1]).toEqual({ kind: 'drive', number: 1, full: false, barcode: null, homeSlot: null });
    expect(slot(status.elements, 1)).toEqual({ kind: 'slot', number: 1, full: false, barcode: null, homeSlot: null });
    expect(slot(status.elements, 2)).toEqual({ kind: 'slot', number: 2, full: true, barcode: '000002', homeSlot: null });
    expect(slot(status.elements, 40)?.kind).toBe('slot');
    expect(byKind(status.elements, 'ie').map((e) => e.number)).toEqual([41, 42, 43, 44, 45]);
  });

  it('skips sense data before the header, trims padded tags, ignores alternate tags, finds cleaning cartridges', () => {
    const status = parseMtxStatus(fixture('synthetic-sense-noise-padded-tags.txt'));
    expect([status.drives, status.slots, status.ieSlots]).toEqual([2, 8, 2]);
    expect(byKind(status.elements, 'drive')).toEqual([
      { kind: 'drive', number: 0, full: true, barcode: 'CLN101L1', homeSlot: 4 },
      { kind: 'drive', number: 1, full: true, barcode: 'FLO002L6', homeSlot: 2 },
    ]);
    expect(slot(status.elements, 3)?.barcode).toBe('FLO003L6');
    expect(slot(status.elements, 9)).toEqual({ kind: 'ie', number: 9, full: true, barcode: 'FLO009L6', homeSlot: null });
    const cleaning = status.elements.filter((e) => isCleaningBarcode(e.barcode)).map((e) => [e.kind, e.number]);
    expect(cleaning).toEqual([
      ['drive', 0],
      ['slot', 5],
    ]);
    expect(status.elements.every((e) => e.barcode === null || e.barcode.trim() === e.barcode)).toBe(true);
  });

  it('gives a null barcode for Full without a tag (no barcode reader)', () => {
    const status = parseMtxStatus(fixture('synthetic-no-barcode-reader.txt'));
    expect([status.drives, status.slots, status.ieSlots]).toEqual([1, 8, 0]);
    expect(status.elements[0]).toEqual({ kind: 'drive', number: 0, full: true, barcode: null, homeSlot: 3 });
    expect(status.elements.filter((e) => e.full).map((e) => [e.number, e.barcode])).toEqual([
      [0, null],
      [1, null],
      [2, null],
      [4, null],
      [7, null],
    ]);
  });

  it('reads a drive whose source slot the changer does not know', () => {
    const text = '  Storage Changer /dev/sg1:1 Drives, 1 Slots ( 0 Import/Export )\nData Transfer Element 0:Full (Unknown Storage Element Loaded):VolumeTag = ABC001\n      Storage Element 1:Empty\n';
    expect(parseMtxStatus(text).elements[0]).toEqual({ kind: 'drive', number: 0, full: true, barcode: 'ABC001', homeSlot: null });
  });
});

describe('malformed mtx status', () => {
  const good = fixture('two-drives-24-slots-4-ie.txt');
  const lines = good.split('\n');
  const withLine = (index: number, replacement: string) => lines.map((line, i) => (i === index ? replacement : line)).join('\n');

  it('refuses truncated output, naming the header and the counts', () => {
    const error = parseFailure(lines.slice(0, 20).join('\n'));
    expect(error.message).toContain('line 1 "Storage Changer /dev/tape/by-id/scsi-387408F60F0000:2 Drives, 24 Slots ( 4 Import/Export )"');
    expect(error.message).toContain('17 slot line(s)');
  });

  it('refuses output without a header, naming the first line', () => {
    const error = parseFailure(lines.slice(1).join('\n'));
    expect(error.message).toContain('no "Storage Changer');
    expect(error.message).toContain('line 1 "Data Transfer Element 0:Empty"');
    expect(parseFailure('').message).toContain('printed nothing');
  });

  it('refuses a header whose counts do not match the lines', () => {
    const error = parseFailure(withLine(0, '  Storage Changer /dev/sg3:3 Drives, 24 Slots ( 4 Import/Export )'));
    expect(error.message).toContain('announces 3 drive(s)');
    expect(error.message).toContain('2 drive line(s)');
    const noBarcodes = fixture('synthetic-no-barcode-reader.txt').replace('8 Slots', '9 Slots');
    expect(parseFailure(noBarcodes).message).toContain('announces 1 drive(s) and 9 slot(s) but the output lists 1 drive line(s) and 8 slot line(s)');
  });

  it('refuses a garbled element line, naming it', () => {
    expect(parseFailure(withLine(7, '      Storage Elem#nt 7:Empty')).message).toContain('unexpected line 8 "Storage Elem#nt 7:Empty"');
    expect(parseFailure(withLine(5, '      Storage Element 3:Ful :VolumeTag=test23L1')).message).toContain('line 6 "Storage Element 3:Ful :VolumeTag=test23L1"');
    expect(parseFailure(withLine(5, '      Storage Element 3:Full :VolumeTag=te st23')).message).toContain('line 6');
    expect(parseFailure(withLine(10, '      Storage Element 8:Empty :VolumeTag=X1')).message).toContain('empty slot with a volume tag');
  });

  it('refuses a duplicate element, naming the second line', () => {
    expect(parseFailure(withLine(8, '      Storage Element 5:Empty')).message).toContain('storage element 5 appears twice, again at line 9');
    expect(parseFailure(withLine(2, 'Data Transfer Element 0:Empty')).message).toContain('drive 0 appears twice, again at line 3');
  });

  it('refuses i/e marks that disagree with the header', () => {
    expect(parseFailure(withLine(23, '      Storage Element 21:Empty')).message).toContain('does not mark slot 21 as import/export');
    expect(parseFailure(withLine(22, '      Storage Element 20 IMPORT/EXPORT:Empty')).message).toContain('marks slot 20 as import/export');
  });

  it('refuses a home slot outside the changer', () => {
    expect(parseFailure(withLine(1, 'Data Transfer Element 0:Full (Storage Element 99 Loaded):VolumeTag = X')).message).toContain('home slot 99');
  });
});

describe('mt status', () => {
  const mtSt = (bits: string, names: string, file = 0, block = 0) =>
    `SCSI 2 tape drive:\nFile number=${file}, block number=${block}, partition=0.\nTape block size 0 bytes. Density code 0x58 (LTO-5).\nSoft error count since last status=0\nGeneral status bits on (${bits}):\n ${names}\n`;

  it('reads a loaded tape at BOT (mt-st)', () => {
    const status = parseMtStatus(mtSt('41010000', 'BOT ONLINE IM_REP_EN'));
    expect(status).toEqual({ flavour: 'mt-st', online: true, bot: true, writeProtected: false, doorOpen: false, fileNumber: 0, blockNumber: 0 });
    expect(hasTape(status)).toBe(true);
  });

  it('reads a write-protected tape away from BOT', () => {
    const status = parseMtStatus(mtSt('5010000', 'WR_PROT ONLINE IM_REP_EN', 3, 12));
    expect(status).toMatchObject({ online: true, bot: false, writeProtected: true, fileNumber: 3, blockNumber: 12 });
  });

  it('reads an empty drive (DR_OPEN) as no tape', () => {
    const status = parseMtStatus(mtSt('50000', 'DR_OPEN IM_REP_EN', -1, -1));
    expect(status).toMatchObject({ online: false, doorOpen: true, fileNumber: null, blockNumber: null });
    expect(hasTape(status)).toBe(false);
  });

  it('decodes the bits when the names line is missing', () => {
    expect(parseMtStatus('File number=0, block number=0, partition=0.\nGeneral status bits on (45010000):\n')).toMatchObject({ bot: true, writeProtected: true, online: true });
  });

  it('reads GNU mt output', () => {
    const text = 'drive type = 114\ndrive status = 1174405120\nsense key error = 0\nresidue count = 0\nfile number = 0\nblock number = 0\n';
    expect(parseMtStatus(text)).toEqual({ flavour: 'gnu', online: true, bot: true, writeProtected: false, doorOpen: false, fileNumber: 0, blockNumber: 0 });
  });

  it('refuses anything else, naming the first line', () => {
    expect(() => parseMtStatus('mt: command not understood\n')).toThrow(/line 1 "mt: command not understood"/);
    expect(() => parseMtStatus('')).toThrow(/printed nothing/);
  });
});

describe('label block', () => {
  const label = { label: 'DAILY00001', pool: 'DAILY', barcode: 'FLO001L6', labeledAt: '2026-11-23T08:00:00.000Z', agentId: '6f1c1e4e-93f5-4d8a-9d3c-0b1f6f0a2c11' };

  it('is one zero-padded 32 KiB block starting with the magic line, and round-trips', () => {
    const block = encodeLabelBlock(label);
    expect(block.length).toBe(LABEL_BLOCK_SIZE);
    expect(block.subarray(0, LABEL_MAGIC.length).toString('ascii')).toBe('FLOE-LABEL 1\n');
    expect(block[LABEL_BLOCK_SIZE - 1]).toBe(0);
    expect(decodeLabelBlock(block, '/dev/nst0')).toEqual(label);
  });

  it('gives null without the magic, and refuses a damaged or invalid label', () => {
    expect(decodeLabelBlock(Buffer.alloc(LABEL_BLOCK_SIZE), '/dev/nst0')).toBeNull();
    expect(decodeLabelBlock(Buffer.from('tar data'), '/dev/nst0')).toBeNull();
    expect(() => decodeLabelBlock(Buffer.from(`${LABEL_MAGIC}{"label":`), '/dev/nst0')).toThrow(/damaged \(not valid JSON/);
    expect(() => decodeLabelBlock(Buffer.from(`${LABEL_MAGIC}${JSON.stringify({ ...label, pool: 'x y' })}`), '/dev/nst0')).toThrow(/damaged \(pool:/);
    expect(() => decodeLabelBlock(Buffer.from(`${LABEL_MAGIC}${JSON.stringify({ ...label, extra: 1 })}`), '/dev/nst0')).toThrow(/damaged/);
    expect(() => encodeLabelBlock({ ...label, agentId: 'not-a-uuid' })).toThrow(/refusing to write an invalid label: agentId/);
  });
});
