/**
 * Restores never recreate setuid, setgid or sticky bits unless the request asks for them: a saveset
 * is untrusted, and a setuid-root binary landing in a restore target is a privilege escalation. The
 * bits are cleared in the member's own ustar header (mode field, checksum recomputed) before GNU tar
 * sees it, so no file ever exists with them, not even for a moment. pax has no mode keyword, so the
 * ustar field is the only place a mode lives.
 */
import { BLOCK, headerNumber, padded } from './tar-header.js';

export const SPECIAL_BITS = 0o7000;
const META = new Set(['x', 'g', 'L', 'K']);

/**
 * Index in `raw` (a member's header pieces, as TarParser hands them over: each extended or long-name
 * header block followed by its data in slices of any length, then the member's own header) of the
 * member's own header.
 */
export function mainHeaderIndex(raw: readonly Buffer[]): number {
  let index = 0;
  while (index < raw.length) {
    const block = raw[index] as Buffer;
    if (block.length !== BLOCK) return -1;
    if (!META.has(String.fromCharCode(block[156] ?? 0))) return index;
    index += 1;
    for (let skip = padded(headerNumber(block, 124, 12)); skip > 0 && index < raw.length; index += 1) skip -= (raw[index] as Buffer).length;
  }
  return -1;
}

/** A copy of the header with `mode & ~07000` and a fresh checksum; the same block when no bit is set. */
export function withoutSpecialBits(header: Buffer): Buffer {
  const mode = headerNumber(header, 100, 8);
  if ((mode & SPECIAL_BITS) === 0) return header;
  const copy = Buffer.from(header);
  copy.write(`${(mode & ~SPECIAL_BITS).toString(8).padStart(7, '0')}\0`, 100, 8, 'latin1');
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += copy[index] as number;
  copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return copy;
}

/** The member's raw header blocks with the special bits cleared in its main header. */
export function stripSpecialBits(raw: readonly Buffer[]): readonly Buffer[] {
  const index = mainHeaderIndex(raw);
  const header = raw[index];
  if (index < 0 || !header) return raw;
  const stripped = withoutSpecialBits(header);
  if (stripped === header) return raw;
  const copy = [...raw];
  copy[index] = stripped;
  return copy;
}
