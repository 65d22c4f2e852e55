// Writes the hostile tar corpus (test/fixtures/hostile/*.tar) from raw headers built by hand, with
// no tar library, so each file is exactly the attack it names. Deterministic: the committed files
// must equal what this script writes (a test checks it). Usage: node scripts/make-hostile-corpus.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BLOCK = 512;
const MTIME = 1_700_000_000;

/** One ustar header block with a correct checksum (or a wrong one when badChecksum). */
function header({ name, type = '0', size = 0, mode = 0o644, linkname = '', sizeField = null, badChecksum = false }) {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  if (sizeField) sizeField.copy(block, 124);
  else block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(MTIME, 12), 136, 'latin1');
  block.write(type, 156, 'latin1');
  block.write(linkname, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  block.fill(0x20, 148, 156);
  for (const byte of block) sum += byte;
  block.write(octal(badChecksum ? sum + 1 : sum, 7), 148, 'latin1');
  block[155] = 0x20;
  return block;
}

function octal(value, width) {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function pad(data) {
  const length = Math.ceil(data.length / BLOCK) * BLOCK;
  const out = Buffer.alloc(length);
  data.copy(out);
  return out;
}

function file(name, content, options = {}) {
  const data = Buffer.from(content);
  return Buffer.concat([header({ name, size: data.length, ...options }), pad(data)]);
}

function paxRecords(records) {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    text += `${length}${body}`;
  }
  return Buffer.from(text);
}

function pax(records, name = 'PaxHeaders/x') {
  const data = paxRecords(records);
  return Buffer.concat([header({ name, type: 'x', size: data.length }), pad(data)]);
}

function longName(name) {
  const data = Buffer.from(`${name}\0`);
  return Buffer.concat([header({ name: '././@LongLink', type: 'L', size: data.length }), pad(data)]);
}

const END = Buffer.alloc(2 * BLOCK);

export function hostileCorpus() {
  const base256 = Buffer.alloc(12);
  base256[0] = 0x80;
  base256.writeUIntBE(2 ** 44, 6, 6); // 16 TiB, declared in base-256
  const many = [];
  for (let index = 0; index < 200; index++) many.push(header({ name: `many/${String(index).padStart(4, '0')}` }));
  return {
    'dotdot.tar': [file('../escape-dotdot.txt', 'escaped\n'), file('sub/../../escape-dotdot2.txt', 'escaped\n'), file('ok.txt', 'fine\n'), END],
    'absolute.tar': [file('/tmp/floe-hostile-absolute.txt', 'escaped\n'), pax({ path: '/tmp/floe-hostile-absolute-pax.txt' }), file('benign.txt', 'escaped\n'), END],
    'pax-dotdot.tar': [pax({ path: '../escape-pax.txt' }), file('benign.txt', 'escaped\n'), longName('../escape-longname.txt'), file('benign2.txt', 'escaped\n'), END],
    'symlink-write-through.tar': [
      header({ name: 'evil', type: '2', linkname: '/tmp' }),
      file('evil/floe-hostile-through.txt', 'escaped\n'),
      header({ name: 'up', type: '2', linkname: '../..' }),
      header({ name: 'sub', type: '5', mode: 0o755 }),
      header({ name: 'inner', type: '2', linkname: 'sub' }),
      file('inner/through-inner.txt', 'through\n'),
      header({ name: 'chain', type: '2', linkname: 'inner/../..' }),
      file('sub/kept.txt', 'kept\n'),
      END,
    ],
    'symlink-etc-hardlink.tar': [
      header({ name: 'etc', type: '2', linkname: '/etc' }),
      header({ name: 'passwd', type: '1', linkname: 'etc/passwd' }),
      header({ name: 'shadow', type: '1', linkname: '/etc/shadow' }),
      END,
    ],
    'hardlink-outside.tar': [
      file('real.txt', 'real\n'),
      header({ name: 'h-abs', type: '1', linkname: '/etc/passwd' }),
      header({ name: 'h-up', type: '1', linkname: '../outside.txt' }),
      header({ name: 'h-missing', type: '1', linkname: 'never-restored.txt' }),
      header({ name: 'h-ok', type: '1', linkname: 'real.txt' }),
      END,
    ],
    'devices.tar': [header({ name: 'null-dev', type: '3' }), header({ name: 'fifo', type: '6' }), header({ name: 'data-link', type: '2', linkname: 'x', size: 512 }), pad(Buffer.from('x')), END],
    'deep.tar': [longName(`${'d/'.repeat(5000)}deep.txt`), file('deep-placeholder', 'deep\n'), END],
    'huge-size.tar': [header({ name: 'huge-octal.bin', size: 0o77777777777 }), Buffer.alloc(BLOCK, 0x41)],
    'huge-base256.tar': [header({ name: 'huge-base256.bin', sizeField: base256 }), Buffer.alloc(BLOCK, 0x42)],
    'many-entries.tar': [...many, END],
    'bad-checksum.tar': [file('first.txt', 'first\n'), header({ name: 'second.txt', size: 0, badChecksum: true }), END],
    'truncated.tar': [file('whole.txt', 'whole\n'), header({ name: 'cut.bin', size: 4096 }), Buffer.alloc(100, 0x43)],
  };
}

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = resolve(process.argv[2] ?? join(here, '../test/fixtures/hostile'));
  mkdirSync(outDir, { recursive: true });
  for (const [name, parts] of Object.entries(hostileCorpus())) writeFileSync(join(outDir, name), Buffer.concat(parts));
  console.log(`wrote ${Object.keys(hostileCorpus()).length} hostile archives to ${outDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
