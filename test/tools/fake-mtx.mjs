#!/usr/bin/env node
// A fake of `mtx` for tests (we have no changer here): `mtx -f DEVICE status|load|unload|transfer`.
// State lives in the JSON file named by FAKE_MTX_STATE; when it does not exist it is seeded from the
// `mtx status` text in FAKE_MTX_INIT (parsed minimally here, on purpose independent of the real
// parser). Every argv is appended as one JSON line to FAKE_MTX_LOG. FAKE_MTX_SLEEP_MS makes every
// call sleep first (to test deadlines). Impossible moves print an mtx-like message on stderr and
// exit 1 without touching the state.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const env = process.env;

function die(message) {
  process.stderr.write(`mtx: ${message}\n`);
  process.exit(1);
}

if (env.FAKE_MTX_LOG) appendFileSync(env.FAKE_MTX_LOG, `${JSON.stringify(argv)}\n`);
if (env.FAKE_MTX_SLEEP_MS) await new Promise((resolve) => setTimeout(resolve, Number(env.FAKE_MTX_SLEEP_MS)));
if (!env.FAKE_MTX_STATE) die('FAKE_MTX_STATE is not set');
if (argv[0] !== '-f' || !argv[1]) die('Usage: mtx -f <device> <command> (the fake needs -f first)');

const device = argv[1];
const [command, ...rest] = argv.slice(2);
const state = loadState();

/** State: { drives: [{ tag, full, home }], slots: [{ tag, full, ie }] } (slots[0] is element 1). */
function loadState() {
  if (existsSync(env.FAKE_MTX_STATE)) return JSON.parse(readFileSync(env.FAKE_MTX_STATE, 'utf8'));
  if (!env.FAKE_MTX_INIT) die(`cannot open ${device}: No such file or directory`);
  const seeded = seed(readFileSync(env.FAKE_MTX_INIT, 'utf8'));
  saveState(seeded);
  return seeded;
}

function seed(text) {
  const drives = [];
  const slots = [];
  for (const line of text.split('\n')) {
    const drive = /^Data Transfer Element (\d+):(Empty|Full)(?: \(Storage Element (\d+) Loaded\))?(?::VolumeTag = ([^:]*))?/.exec(line);
    if (drive) drives[Number(drive[1])] = { full: drive[2] === 'Full', home: drive[3] ? Number(drive[3]) : null, tag: drive[4] ?? null };
    const slot = /^\s*Storage Element (\d+)( IMPORT\/EXPORT)?:(Empty|Full)\s*(?::VolumeTag=([^:]*))?/.exec(line);
    if (slot) slots[Number(slot[1]) - 1] = { full: slot[3] === 'Full', ie: Boolean(slot[2]), tag: slot[4] ?? null };
  }
  return { drives, slots };
}

function saveState(next) {
  const temp = `${env.FAKE_MTX_STATE}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(temp, env.FAKE_MTX_STATE);
}

function number(text, what) {
  if (!/^\d+$/.test(text ?? '')) die(`Invalid argument '${text ?? ''}' to '${command}' command (expected ${what})`);
  return Number(text);
}

function slotAt(n) {
  const slot = state.slots[n - 1];
  if (!slot) die(`Invalid Storage Element ${n}: the changer has ${state.slots.length} slots`);
  return slot;
}

function driveAt(n) {
  const drive = state.drives[n];
  if (!drive) die(`Invalid Data Transfer Element ${n}: the changer has ${state.drives.length} drives`);
  return drive;
}

function printStatus() {
  const ie = state.slots.filter((slot) => slot.ie).length;
  const out = [`  Storage Changer ${device}:${state.drives.length} Drives, ${state.slots.length} Slots ( ${ie} Import/Export )`];
  state.drives.forEach((drive, i) => {
    if (!drive.full) return out.push(`Data Transfer Element ${i}:Empty`);
    const from = drive.home === null ? 'Unknown Storage Element Loaded' : `Storage Element ${drive.home} Loaded`;
    out.push(`Data Transfer Element ${i}:Full (${from})${drive.tag === null ? '' : `:VolumeTag = ${drive.tag}`}`);
  });
  state.slots.forEach((slot, i) => {
    const name = `      Storage Element ${i + 1}${slot.ie ? ' IMPORT/EXPORT' : ''}`;
    if (!slot.full) return out.push(`${name}:Empty`);
    out.push(`${name}:Full ${slot.tag === null ? '' : `:VolumeTag=${slot.tag}`}`);
  });
  process.stdout.write(`${out.join('\n')}\n`);
}

switch (command) {
  case 'status':
    printStatus();
    break;
  case 'load': {
    const n = number(rest[0], 'a slot number');
    const d = rest[1] === undefined ? 0 : number(rest[1], 'a drive number');
    const slot = slotAt(n);
    const drive = driveAt(d);
    if (!slot.full) die(`Storage Element ${n} is Empty`);
    if (drive.full) die(`Drive ${d} Full (Storage Element ${drive.home ?? 'Unknown'} loaded)`);
    state.drives[d] = { full: true, home: n, tag: slot.tag };
    state.slots[n - 1] = { ...slot, full: false, tag: null };
    saveState(state);
    process.stdout.write(`Loading media from Storage Element ${n} into drive ${d}...done\n`);
    break;
  }
  case 'unload': {
    const d = rest[1] === undefined ? 0 : number(rest[1], 'a drive number');
    const drive = driveAt(d);
    if (!drive.full) die(`Data Transfer Element ${d} is Empty`);
    const n = rest[0] === undefined ? drive.home : number(rest[0], 'a slot number');
    if (n === null) die('No source slot known for the cartridge in the drive; give a slot number');
    const slot = slotAt(n);
    if (slot.full) die(`Storage Element ${n} is Already Full`);
    state.slots[n - 1] = { ...slot, full: true, tag: drive.tag };
    state.drives[d] = { full: false, home: null, tag: null };
    saveState(state);
    process.stdout.write(`Unloading drive ${d} into Storage Element ${n}...done\n`);
    break;
  }
  case 'transfer': {
    const from = number(rest[0], 'a source slot');
    const to = number(rest[1], 'a destination slot');
    const source = slotAt(from);
    const destination = slotAt(to);
    if (!source.full) die(`source Element Address ${from} is Empty`);
    if (destination.full) die(`destination Element Address ${to} is Already Full`);
    state.slots[to - 1] = { ...destination, full: true, tag: source.tag };
    state.slots[from - 1] = { ...source, full: false, tag: null };
    saveState(state);
    break;
  }
  default:
    die(`Unknown command '${command ?? ''}'; the fake knows status, load, unload, transfer`);
}
