/**
 * Parser of `mt -f DEVICE status`, in both Linux flavours:
 *   mt-st:   `File number=0, block number=0, partition=0.` … `General status bits on (41010000):`
 *            followed by the names ` BOT ONLINE IM_REP_EN` (WR_PROT, DR_OPEN, EOF, EOD, …);
 *   GNU cpio mt: `drive type = 114`, `drive status = …`, `file number = 0`, `block number = 0`. It
 *            prints no status bits: if it printed at all the device opened, which the st driver only
 *            allows with a tape loaded (otherwise mt fails with "No medium found").
 */
import { DeviceError } from '../adapters.js';

export interface MtStatus {
  readonly flavour: 'mt-st' | 'gnu';
  /** A tape is loaded and the drive is ready. */
  readonly online: boolean;
  /** At the beginning of the tape. */
  readonly bot: boolean;
  /** The cartridge's write-protect tab is set (always false for GNU mt, which cannot tell). */
  readonly writeProtected: boolean;
  /** No tape in the drive (door open / ejected). */
  readonly doorOpen: boolean;
  /** File and block number, or null when the drive does not know (-1). */
  readonly fileNumber: number | null;
  readonly blockNumber: number | null;
}

// Generic status bits of <linux/mtio.h>.
const GMT_BOT = 0x40000000;
const GMT_WR_PROT = 0x04000000;
const GMT_ONLINE = 0x01000000;
const GMT_DR_OPEN = 0x00040000;

/** Parses the stdout of `mt status`; throws DeviceError('PARSE_FAILED') when it is neither flavour. */
export function parseMtStatus(text: string): MtStatus {
  const bitsHeader = /General status bits on \(([0-9a-fA-F]+)\):?\s*(?:\r?\n(.*))?/.exec(text);
  if (bitsHeader) {
    const bits = Number.parseInt(bitsHeader[1] ?? '0', 16);
    const names = new Set((bitsHeader[2] ?? '').trim().split(/\s+/).filter((name) => name !== ''));
    const has = (name: string, bit: number) => names.has(name) || (bits & bit) !== 0;
    const position = /File number\s*=\s*(-?\d+),\s*block number\s*=\s*(-?\d+)/i.exec(text);
    return {
      flavour: 'mt-st',
      online: has('ONLINE', GMT_ONLINE),
      bot: has('BOT', GMT_BOT),
      writeProtected: has('WR_PROT', GMT_WR_PROT),
      doorOpen: has('DR_OPEN', GMT_DR_OPEN),
      fileNumber: known(position?.[1]),
      blockNumber: known(position?.[2]),
    };
  }
  const file = /^\s*file number\s*=\s*(-?\d+)\s*$/m.exec(text);
  const block = /^\s*block number\s*=\s*(-?\d+)\s*$/m.exec(text);
  if (/^\s*drive type\s*=/m.test(text) && file && block) {
    const fileNumber = known(file[1]);
    const blockNumber = known(block[1]);
    return { flavour: 'gnu', online: true, bot: fileNumber === 0 && blockNumber === 0, writeProtected: false, doorOpen: false, fileNumber, blockNumber };
  }
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  throw new DeviceError(
    'PARSE_FAILED',
    first === ''
      ? 'cannot read mt status: it printed nothing; check that the device is the tape drive (e.g. /dev/nst0)'
      : `cannot read mt status: line 1 "${first.trim().slice(0, 160)}" is neither mt-st nor GNU mt output; check --mt-command`,
  );
}

/** True when the status shows a loaded, ready tape. */
export function hasTape(status: MtStatus): boolean {
  return status.online && !status.doorOpen;
}

function known(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  return value < 0 ? null : value;
}
