/**
 * Parser of `mtx -f DEVICE status`. The output is trusted only as far as it is consistent: the
 * header's counts must match the element lines exactly, every element appears once, and every
 * line after the header is a drive or a storage element line. Anything else throws PARSE_FAILED
 * naming the line, so a caller never works from a partial inventory.
 *
 * Format facts (mtx's Status()):
 *   `  Storage Changer /dev/sg3:2 Drives, 24 Slots ( 4 Import/Export )` — the slot count includes
 *     the import/export slots, which mtx numbers after the storage slots;
 *   `Data Transfer Element 0:Full (Storage Element 3 Loaded):VolumeTag = ABC123` (spaces around =),
 *     or `Full (Unknown Storage Element Loaded)`, or `Empty`;
 *   `      Storage Element 5:Full :VolumeTag=ABC123`, `Storage Element 21 IMPORT/EXPORT:Empty`;
 *   tags may be right-padded, absent (no barcode reader), and followed by `:AlternateVolumeTag`.
 * Lines before the header (sense data, warnings) are ignored.
 */
import { barcodeSchema, type LoaderElement } from '../../../shared/devices.js';
import { DeviceError } from '../adapters.js';

export interface MtxStatus {
  readonly drives: number;
  /** Storage slots only (the header's count minus the import/export slots). */
  readonly slots: number;
  readonly ieSlots: number;
  /** Drives (from 0), then storage slots (from 1), then import/export slots (after the last storage slot). */
  readonly elements: LoaderElement[];
}

const HEADER = /^\s*Storage Changer (.*):(\d+) Drives?, (\d+) Slots? \( (\d+) Import\/Export \)\s*$/;
const TAGS = String.raw`((?::(?:Alternate)?VolumeTag\s*=[^:]*)*)`;
const DRIVE = new RegExp(String.raw`^\s*Data Transfer Element (\d+):(Empty|Full \((?:Storage Element (\d+)|Unknown Storage Element) Loaded\))\s*${TAGS}\s*$`);
const SLOT = new RegExp(String.raw`^\s*Storage Element (\d+)( IMPORT/EXPORT)?:(Empty|Full)\s*${TAGS}\s*$`);
const TAG = /:(Alternate)?VolumeTag\s*=([^:]*)/g;
const MAX_QUOTED = 160;

interface NumberedLine {
  readonly lineNo: number;
  readonly text: string;
}

/** Parses the whole output of `mtx status`; throws DeviceError('PARSE_FAILED') on anything inconsistent. */
export function parseMtxStatus(text: string): MtxStatus {
  const lines = text.split(/\r?\n/).map((line, index): NumberedLine => ({ lineNo: index + 1, text: line }));
  const headerIndex = lines.findIndex((line) => HEADER.test(line.text));
  if (headerIndex < 0) {
    const first = lines.find((line) => line.text.trim() !== '');
    throw fail(
      first
        ? `mtx status printed no "Storage Changer … Drives, … Slots" header (first line ${describe(first)}); check that the device is the changer's generic SCSI device (e.g. /dev/sg3)`
        : 'mtx status printed nothing; check that the device is the changer and that mtx can open it',
    );
  }
  const header = lines[headerIndex] as NumberedLine;
  const [, , driveText, slotText, ieText] = HEADER.exec(header.text) as RegExpExecArray;
  const driveCount = Number(driveText);
  const totalSlots = Number(slotText);
  const ieCount = Number(ieText);
  if (ieCount > totalSlots) {
    throw fail(`header ${describe(header)} counts more import/export slots than slots`);
  }
  const storageCount = totalSlots - ieCount;

  const drives = new Map<number, LoaderElement>();
  const slots = new Map<number, LoaderElement>();
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.text.trim() === '') continue;
    const drive = DRIVE.exec(line.text);
    if (drive) {
      const element = driveElement(line, drive, driveCount, totalSlots);
      if (drives.has(element.number)) throw fail(`drive ${element.number} appears twice, again at ${describe(line)}`);
      drives.set(element.number, element);
      continue;
    }
    const slot = SLOT.exec(line.text);
    if (slot) {
      const element = slotElement(line, slot, totalSlots, storageCount);
      if (slots.has(element.number)) throw fail(`storage element ${element.number} appears twice, again at ${describe(line)}`);
      slots.set(element.number, element);
      continue;
    }
    throw fail(`unexpected ${describe(line)} after the header; it is neither a drive nor a storage element line`);
  }

  if (drives.size !== driveCount || slots.size !== totalSlots) {
    throw fail(
      `header ${describe(header)} announces ${driveCount} drive(s) and ${totalSlots} slot(s) but the output lists ` +
        `${drives.size} drive line(s) and ${slots.size} slot line(s); the output looks truncated, run mtx status again`,
    );
  }
  const ordered = (map: Map<number, LoaderElement>) => [...map.values()].sort((a, b) => a.number - b.number);
  return { drives: driveCount, slots: storageCount, ieSlots: ieCount, elements: [...ordered(drives), ...ordered(slots)] };
}

function driveElement(line: NumberedLine, match: RegExpExecArray, driveCount: number, totalSlots: number): LoaderElement {
  const [, numberText, state, homeText, tags] = match;
  const number = Number(numberText);
  if (number >= driveCount) throw fail(`${describe(line)} names drive ${number}, but the header announces ${driveCount} drive(s)`);
  const full = state !== 'Empty';
  let homeSlot: number | null = null;
  if (homeText !== undefined) {
    homeSlot = Number(homeText);
    if (homeSlot < 1 || homeSlot > totalSlots) {
      throw fail(`${describe(line)} names home slot ${homeSlot}, outside the changer's slots 1-${totalSlots}`);
    }
  }
  const barcode = primaryTag(line, tags ?? '');
  if (!full && barcode !== null) throw fail(`${describe(line)} reports an empty drive with a volume tag`);
  return { kind: 'drive', number, full, barcode, homeSlot };
}

function slotElement(line: NumberedLine, match: RegExpExecArray, totalSlots: number, storageCount: number): LoaderElement {
  const [, numberText, ieMark, state, tags] = match;
  const number = Number(numberText);
  if (number < 1 || number > totalSlots) throw fail(`${describe(line)} names slot ${number}, outside the changer's slots 1-${totalSlots}`);
  const isIe = ieMark !== undefined;
  if (isIe !== number > storageCount) {
    throw fail(
      `${describe(line)} ${isIe ? 'marks' : 'does not mark'} slot ${number} as import/export, but the header puts the import/export slots at ` +
        (storageCount < totalSlots ? `${storageCount + 1}-${totalSlots}` : 'none'),
    );
  }
  const full = state === 'Full';
  const barcode = primaryTag(line, tags ?? '');
  if (!full && barcode !== null) throw fail(`${describe(line)} reports an empty slot with a volume tag`);
  return { kind: isIe ? 'ie' : 'slot', number, full, barcode, homeSlot: null };
}

/** The trimmed primary volume tag, or null when there is none; the alternate tag is read and ignored. */
function primaryTag(line: NumberedLine, tags: string): string | null {
  let primary: string | null = null;
  let seen = 0;
  for (const [, alternate, value] of tags.matchAll(TAG)) {
    if (alternate !== undefined) continue;
    seen += 1;
    const trimmed = (value ?? '').trim();
    primary = trimmed === '' ? null : trimmed;
  }
  if (seen > 1) throw fail(`${describe(line)} carries more than one VolumeTag`);
  if (primary !== null && !barcodeSchema.safeParse(primary).success) {
    throw fail(`${describe(line)} carries the volume tag "${primary}", which is not a barcode (letters, digits, "-", "_", at most 32)`);
  }
  return primary;
}

function describe(line: NumberedLine): string {
  const text = line.text.trim();
  return `line ${line.lineNo} "${text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text}"`;
}

function fail(detail: string): DeviceError {
  return new DeviceError('PARSE_FAILED', `cannot read mtx status: ${detail}`);
}
