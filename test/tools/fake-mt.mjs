#!/usr/bin/env node
// A fake of `mt` for tests (we have no tape drive here): `mt -f DEVICE status|rewind|offline`.
// State is the JSON file named by FAKE_MT_STATE:
//   { "tape": true, "writeProtected": false, "file": 0, "block": 0, "flavour": "mt-st" | "gnu" }
// (a missing file means a drive with a tape at BOT, mt-st flavour). Every argv is appended as one
// JSON line to FAKE_MT_LOG. Output follows mt-st's `status` (or GNU cpio mt's with flavour "gnu").
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const env = process.env;
if (env.FAKE_MT_LOG) appendFileSync(env.FAKE_MT_LOG, `${JSON.stringify(argv)}\n`);
if (argv[0] !== '-f' || !argv[1]) {
  process.stderr.write('usage: mt [-v] [--version] [-h] [ -f device ] command [ count ]\n');
  process.exit(1);
}
const device = argv[1];
const operation = argv[2];
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
