// The mtx changer and the tape drive adapters against fakes of the hardware we lack (test/tools):
// the command flow, argv, parsing and error handling are the real code.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceError, type LabelRecord } from '../../agent/devices/adapters.js';
import { MtxChanger } from '../../agent/devices/mtx/mtx-changer.js';
import { LABEL_BLOCK_SIZE, LABEL_MAGIC } from '../../agent/devices/tape/label-block.js';
import { TapeDrive } from '../../agent/devices/tape/tape-drive.js';
import { REPO_ROOT, tempDir } from '../helpers/agents.js';

const FAKE_MTX = join(REPO_ROOT, 'test/tools/fake-mtx.mjs');
const FAKE_MT = join(REPO_ROOT, 'test/tools/fake-mt.mjs');
const FIXTURE = join(REPO_ROOT, 'test/fixtures/mtx/two-drives-24-slots-4-ie.txt');
const ENV_KEYS = ['FAKE_MTX_STATE', 'FAKE_MTX_INIT', 'FAKE_MTX_LOG', 'FAKE_MTX_SLEEP_MS', 'FAKE_MT_STATE', 'FAKE_MT_LOG'] as const;

let dir: string;
beforeEach(() => {
  dir = tempDir('mtx');
  for (const key of ENV_KEYS) delete process.env[key];
});
afterEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

const logLines = (path: string): string[][] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);

describe('MtxChanger against fake-mtx', () => {
  let state: string;
  let log: string;
  let changer: MtxChanger;
  beforeEach(() => {
    state = join(dir, 'changer.json');
    log = join(dir, 'mtx.log');
    Object.assign(process.env, { FAKE_MTX_STATE: state, FAKE_MTX_INIT: FIXTURE, FAKE_MTX_LOG: log });
    changer = new MtxChanger({ device: '/dev/sg3', mtxCommand: FAKE_MTX, timeoutMs: 10_000 });
  });

  it('reads status, loads, transfers and unloads, with the exact mtx argv', async () => {
    const before = await changer.status();
    expect(before).toHaveLength(2 + 20 + 4);
    expect(before.find((e) => e.kind === 'slot' && e.number === 2)).toMatchObject({ full: true, barcode: 'test22L1' });

    await changer.load(2, 1);
    const loaded = await changer.status();
    expect(loaded[1]).toEqual({ kind: 'drive', number: 1, full: true, barcode: 'test22L1', homeSlot: 2 });
    expect(loaded.find((e) => e.kind === 'slot' && e.number === 2)).toMatchObject({ full: false, barcode: null });

    await changer.transfer(3, 21);
    await changer.unload(1, 2);
    const after = await changer.inventory();
    expect([after.drives, after.slots, after.ieSlots]).toEqual([2, 20, 4]);
    expect(after.elements[1]).toEqual({ kind: 'drive', number: 1, full: false, barcode: null, homeSlot: null });
    expect(after.elements.find((e) => e.number === 2 && e.kind === 'slot')).toMatchObject({ full: true, barcode: 'test22L1' });
    expect(after.elements.find((e) => e.number === 3 && e.kind === 'slot')).toMatchObject({ full: false, barcode: null });
    expect(after.elements.find((e) => e.number === 21)).toEqual({ kind: 'ie', number: 21, full: true, barcode: 'test23L1', homeSlot: null });

    expect(logLines(log)).toEqual([
      ['-f', '/dev/sg3', 'status'],
      ['-f', '/dev/sg3', 'load', '2', '1'],
      ['-f', '/dev/sg3', 'status'],
      ['-f', '/dev/sg3', 'transfer', '3', '21'],
      ['-f', '/dev/sg3', 'unload', '2', '1'],
      ['-f', '/dev/sg3', 'status'],
    ]);
  });

  it('rejects impossible moves with DEVICE_FAILED carrying mtx\'s words, leaving the changer as it was', async () => {
    await changer.status();
    const unchanged = readFileSync(state, 'utf8');

    const empty = await rejection(changer.load(6, 0));
    expect(empty.code).toBe('DEVICE_FAILED');
    expect(empty.message).toContain('mtx: Storage Element 6 is Empty');
    expect(empty.message).toContain(`${FAKE_MTX} -f /dev/sg3 load 6 0`);

    const full = await rejection(changer.transfer(1, 2));
    expect(full.message).toContain('destination Element Address 2 is Already Full');
    const noCartridge = await rejection(changer.unload(0, 6));
    expect(noCartridge.message).toContain('Data Transfer Element 0 is Empty');
    expect(readFileSync(state, 'utf8')).toBe(unchanged);
  });

  it('refuses bad element numbers before running mtx', async () => {
    expect((await rejection(changer.load(0, 0))).message).toContain('slots are numbered from 1');
    expect((await rejection(changer.load(1, -1))).message).toContain('drives are numbered from 0');
    expect(existsSync(log)).toBe(false);
  });

  it('stops a hung mtx at the deadline with a clear error', async () => {
    process.env.FAKE_MTX_SLEEP_MS = '5000';
    const slow = new MtxChanger({ device: '/dev/sg3', mtxCommand: FAKE_MTX, timeoutMs: 300 });
    const started = Date.now();
    const error = await rejection(slow.status());
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error.code).toBe('DEVICE_FAILED');
    expect(error.message).toMatch(/"\S+fake-mtx\.mjs -f \/dev\/sg3 status" timed out after 300 ms/);
  });

  it('says how to fix a missing mtx', async () => {
    const missing = new MtxChanger({ device: '/dev/sg3', mtxCommand: join(dir, 'no-such-mtx') });
    const error = await rejection(missing.status());
    expect(error.code).toBe('DEVICE_FAILED');
    expect(error.message).toMatch(/was not found.*--mtx-command/);
  });

  it('refuses unparseable status output with PARSE_FAILED', async () => {
    writeFileSync(state, JSON.stringify({ drives: [{ full: true, home: null, tag: 'BAD TAG' }], slots: [{ full: false, ie: false, tag: null }] }));
    const error = await rejection(changer.status());
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toContain('line 2 "Data Transfer Element 0:Full (Unknown Storage Element Loaded):VolumeTag = BAD TAG"');
  });
});

describe('TapeDrive against fake-mt', () => {
  const label: LabelRecord = {
    label: 'DAILY00001',
    pool: 'DAILY',
    barcode: 'FLO001L6',
    labeledAt: '2026-11-23T08:00:00.000Z',
    agentId: '6f1c1e4e-93f5-4d8a-9d3c-0b1f6f0a2c11',
  };
  let device: string;
  let state: string;
  let log: string;
  let drive: TapeDrive;
  beforeEach(() => {
    device = join(dir, 'nst0');
    state = join(dir, 'mt.json');
    log = join(dir, 'mt.log');
    writeFileSync(device, Buffer.alloc(0));
    writeFileSync(state, JSON.stringify({ tape: true, file: 2, block: 7 }));
    Object.assign(process.env, { FAKE_MT_STATE: state, FAKE_MT_LOG: log });
    drive = new TapeDrive({ device, mtCommand: FAKE_MT, timeoutMs: 10_000 });
  });

  it('writes the label as one 32 KiB block in file 0 and reads it back', async () => {
    await drive.writeLabel(label);
    const block = readFileSync(device);
    expect(block.length).toBe(LABEL_BLOCK_SIZE);
    expect(block.subarray(0, LABEL_MAGIC.length).toString('ascii')).toBe('FLOE-LABEL 1\n');
    expect(await drive.readLabel()).toEqual(label);
    expect(logLines(log)).toEqual([
      ['-f', device, 'status'],
      ['-f', device, 'rewind'],
      ['-f', device, 'status'],
      ['-f', device, 'rewind'],
    ]);
  });

  it('rewinds on ready and rewinds then ejects on release', async () => {
    await drive.ready();
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ tape: true, file: 0, block: 0 });
    await drive.release();
    expect(logLines(log).map((argv) => argv[2])).toEqual(['rewind', 'rewind', 'offline']);
    expect((await rejection(drive.readLabel())).code).toBe('NO_MEDIA');
  });

  it('reads null from media without the magic (blank or foreign data)', async () => {
    expect(await drive.readLabel()).toBeNull();
    writeFileSync(device, Buffer.concat([Buffer.from('ustar\0 some tar data'), Buffer.alloc(LABEL_BLOCK_SIZE)]));
    expect(await drive.readLabel()).toBeNull();
  });

  it('refuses a label with malformed JSON or fields that fail validation', async () => {
    writeFileSync(device, Buffer.concat([Buffer.from(`${LABEL_MAGIC}{"label":"DAILY00001","pool":`), Buffer.alloc(LABEL_BLOCK_SIZE)]).subarray(0, LABEL_BLOCK_SIZE));
    const broken = await rejection(drive.readLabel());
    expect(broken.code).toBe('PARSE_FAILED');
    expect(broken.message).toContain(`the Floe label in file 0 of ${device} is damaged (not valid JSON`);

    const hostile = { ...label, label: '<img src=x onerror=alert(1)>' };
    writeFileSync(device, Buffer.concat([Buffer.from(`${LABEL_MAGIC}${JSON.stringify(hostile)}`), Buffer.alloc(LABEL_BLOCK_SIZE)]).subarray(0, LABEL_BLOCK_SIZE));
    const invalid = await rejection(drive.readLabel());
    expect(invalid.code).toBe('PARSE_FAILED');
    expect(invalid.message).toMatch(/damaged \(label: /);
  });

  it('throws NO_MEDIA when mt says there is no tape', async () => {
    writeFileSync(state, JSON.stringify({ tape: false }));
    const read = await rejection(drive.readLabel());
    expect(read.code).toBe('NO_MEDIA');
    expect(read.message).toContain('DR_OPEN');
    expect((await rejection(drive.writeLabel(label))).code).toBe('NO_MEDIA');
    expect((await rejection(drive.ready())).code).toBe('NO_MEDIA');
    expect(readFileSync(device).length).toBe(0);
  });

  it('refuses to write a write-protected cartridge', async () => {
    writeFileSync(state, JSON.stringify({ tape: true, writeProtected: true }));
    const error = await rejection(drive.writeLabel(label));
    expect(error.code).toBe('DEVICE_FAILED');
    expect(error.message).toContain('write-protected');
    expect(readFileSync(device).length).toBe(0);
  });

  it('works with GNU mt output too', async () => {
    writeFileSync(state, JSON.stringify({ tape: true, flavour: 'gnu' }));
    await drive.writeLabel(label);
    expect(await drive.readLabel()).toEqual(label);
    writeFileSync(state, JSON.stringify({ tape: false, flavour: 'gnu' }));
    const error = await rejection(drive.readLabel());
    expect(error.code).toBe('NO_MEDIA');
    expect(error.message).toContain('No medium found');
  });
});
