#!/usr/bin/env node
// A fake of `mt` for tests (we have no tape drive here): `mt -f DEVICE status|rewind|offline`.
// State is the JSON file named by FAKE_MT_STATE:
//   { "tape": true, "writeProtected": false, "file": 0, "block": 0, "flavour": "mt-st" | "gnu" }
// (a missing file means a drive with a tape at BOT, mt-st flavour). Every argv is appended as one
// JSON line to FAKE_MT_LOG. Output follows mt-st's `status` (or GNU cpio mt's with flavour "gnu").
//
// Tape emulation (when FAKE_MT_TAPES is set): a cartridge is the directory FAKE_MT_TAPES/<barcode>
// holding its tape files 0, 1, 2, …; which cartridge sits in which drive is read from the fake
// changer's state (FAKE_MTX_STATE), the drive being the index of DEVICE in FAKE_MT_DRIVES (a JSON
// array of device paths). DEVICE itself is a symlink the fake points at the tape file under the head,
// so the agent's open/read/write of DEVICE act on that file: reading ends at the file's end (the
// filemark), writing after `eod` creates the next file. Supports status, rewind, offline, eod,
// asf N, fsf N and setblk N. FAKE_MT_CAPACITY (bytes per cartridge): at `eod` on a cartridge that
// already holds that much, DEVICE points at /dev/full, so the next write fails with ENOSPC as a real
// drive does past its early-warning mark (the fake cannot end a medium inside a file).
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const env = process.env;
if (env.FAKE_MT_LOG) appendFileSync(env.FAKE_MT_LOG, `${JSON.stringify(argv)}\n`);
if (argv[0] !== '-f' || !argv[1]) {
  process.stderr.write('usage: mt [-v] [--version] [-h] [ -f device ] command [ count ]\n');
  process.exit(1);
}
const device = argv[1];
const operation = argv[2];
if (env.FAKE_MT_TAPES) emulateTape();
const defaults = { tape: true, writeProtected: false, file: 0, block: 0, flavour: 'mt-st' };
const state = { ...defaults, ...(env.FAKE_MT_STATE && existsSync(env.FAKE_MT_STATE) ? JSON.parse(readFileSync(env.FAKE_MT_STATE, 'utf8')) : {}) };
const save = () => env.FAKE_MT_STATE && writeFileSync(env.FAKE_MT_STATE, `${JSON.stringify(state)}\n`);

function noMedium() {
  process.stderr.write(`${device}: No medium found\n`);
  process.exit(2);
}

function mtStStatus() {
  const bits = state.tape ? 0x01010000 | (state.file === 0 && state.block === 0 ? 0x40000000 : 0) | (state.writeProtected ? 0x04000000 : 0) : 0x00050000;
  const names = state.tape
    ? [state.file === 0 && state.block === 0 ? 'BOT' : null, state.writeProtected ? 'WR_PROT' : null, 'ONLINE', 'IM_REP_EN'].filter(Boolean)
    : ['DR_OPEN', 'IM_REP_EN'];
  const file = state.tape ? state.file : -1;
  const block = state.tape ? state.block : -1;
  return [
    'SCSI 2 tape drive:',
    `File number=${file}, block number=${block}, partition=0.`,
    `Tape block size 0 bytes. Density code ${state.tape ? '0x58 (LTO-5)' : '0x0 (default)'}.`,
    'Soft error count since last status=0',
    `General status bits on (${bits.toString(16)}):`,
    ` ${names.join(' ')}`,
    '',
  ].join('\n');
}

function gnuStatus() {
  if (!state.tape) noMedium();
  return ['drive type = 114', 'drive status = 1174405120', 'sense key error = 0', 'residue count = 0', `file number = ${state.file}`, `block number = ${state.block}`, ''].join('\n');
}

switch (operation) {
  case 'status':
    process.stdout.write(state.flavour === 'gnu' ? gnuStatus() : mtStStatus());
    break;
  case 'rewind':
    if (!state.tape) noMedium();
    state.file = 0;
    state.block = 0;
    save();
    break;
  case 'offline':
    if (!state.tape) noMedium();
    state.tape = false;
    save();
    break;
  default:
    process.stderr.write(`mt: unrecognized command '${operation ?? ''}'\n`);
    process.exit(1);
}

function emulateTape() {
  const drives = JSON.parse(env.FAKE_MT_DRIVES ?? '[]');
  const index = drives.indexOf(device);
  if (index < 0) {
    process.stderr.write(`${device}: No such device or address\n`);
    process.exit(2);
  }
  const changer = env.FAKE_MTX_STATE && existsSync(env.FAKE_MTX_STATE) ? JSON.parse(readFileSync(env.FAKE_MTX_STATE, 'utf8')) : { drives: [] };
  const loaded = changer.drives[index];
  const positions = env.FAKE_MT_STATE && existsSync(env.FAKE_MT_STATE) ? JSON.parse(readFileSync(env.FAKE_MT_STATE, 'utf8')) : {};
  const position = positions[device] ?? { file: 0, barcode: null };
  if (!loaded?.full || !loaded.tag) {
    pointAt(null);
    noMedium();
  }
  const cartridge = join(env.FAKE_MT_TAPES, loaded.tag);
  mkdirSync(cartridge, { recursive: true });
  if (position.barcode !== loaded.tag) Object.assign(position, { file: 0, barcode: loaded.tag }); // a cartridge just loaded is at BOT
  const files = () => {
    let count = 0;
    while (existsSync(join(cartridge, String(count)))) count += 1;
    return count;
  };
  const count = Number(argv[3] ?? '1');
  let target = null;
  switch (operation) {
    case 'status':
      process.stdout.write(
        [
          'SCSI 2 tape drive:',
          `File number=${position.file}, block number=0, partition=0.`,
          'Tape block size 0 bytes. Density code 0x58 (LTO-5).',
          'Soft error count since last status=0',
          `General status bits on (${(0x01010000 | (position.file === 0 ? 0x40000000 : 0)).toString(16)}):`,
          ` ${position.file === 0 ? 'BOT ' : ''}ONLINE IM_REP_EN`,
          '',
        ].join('\n'),
      );
      break;
    case 'rewind':
    case 'offline':
      position.file = 0;
      // A blank cartridge reads as empty at BOT (no label yet), as the st driver reports it.
      if (!existsSync(join(cartridge, '0'))) writeFileSync(join(cartridge, '0'), '');
      break;
    case 'asf':
      position.file = Math.min(count, files());
      break;
    case 'fsf':
      position.file = Math.min(position.file + count, files());
      break;
    case 'eod': {
      position.file = files();
      const used = readdirSync(cartridge).reduce((sum, name) => sum + statSync(join(cartridge, name)).size, 0);
      if (env.FAKE_MT_CAPACITY && used >= Number(env.FAKE_MT_CAPACITY)) target = '/dev/full';
      break;
    }
    case 'setblk':
      break;
    default:
      process.stderr.write(`mt: unrecognized command '${operation ?? ''}'\n`);
      process.exit(1);
  }
  // Only moving the tape re-points DEVICE (status and setblk leave it where the last move put it).
  if (operation !== 'status' && operation !== 'setblk') pointAt(target ?? join(cartridge, String(position.file)));
  else if (!isLink(device)) pointAt(join(cartridge, String(position.file)));
  positions[device] = position;
  if (env.FAKE_MT_STATE) writeFileSync(env.FAKE_MT_STATE, `${JSON.stringify(positions)}\n`);
  process.exit(0);
}

/** Re-points DEVICE (a symlink) at the tape file under the head; null leaves nothing to open. */
function pointAt(target) {
  if (existsSync(device) || isLink(device)) {
    if (!isLink(device)) {
      process.stderr.write(`fake mt: ${device} must be a symlink in tape emulation\n`);
      process.exit(2);
    }
    rmSync(device);
  }
  if (target) symlinkSync(target, device);
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
