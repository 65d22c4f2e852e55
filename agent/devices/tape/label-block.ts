/**
 * File 0 of a Floe tape: one fixed 32 KiB block holding the line `FLOE-LABEL 1\n`, the label as
 * JSON, and zeros. Media are untrusted: a block that claims to be a label is validated whole.
 */
import { z } from 'zod';
import { barcodeSchema, mediaLabelSchema, poolNameSchema } from '../../../shared/devices.js';
import { DeviceError, type LabelRecord } from '../adapters.js';

export const LABEL_BLOCK_SIZE = 32 * 1024;
export const LABEL_MAGIC = 'FLOE-LABEL 1\n';
const MAGIC_BYTES = Buffer.from(LABEL_MAGIC, 'ascii');

export const labelRecordSchema = z
  .object({
    label: mediaLabelSchema,
    pool: poolNameSchema,
    barcode: barcodeSchema.nullable(),
    labeledAt: z.iso.datetime(),
    agentId: z.uuid(),
  })
  .strict();

/** The block to write as file 0; throws when the label is not valid. */
export function encodeLabelBlock(label: LabelRecord): Buffer {
  const checked = labelRecordSchema.safeParse(label);
  if (!checked.success) {
    throw new DeviceError('DEVICE_FAILED', `refusing to write an invalid label: ${summary(checked.error)}`);
  }
  const json = Buffer.from(JSON.stringify(checked.data), 'utf8');
  const block = Buffer.alloc(LABEL_BLOCK_SIZE);
  MAGIC_BYTES.copy(block, 0);
  json.copy(block, MAGIC_BYTES.length);
  return block;
}

/**
 * The label in a block read from file 0, or null when the block is not a Floe label (no magic).
 * A block with the magic but a damaged body throws PARSE_FAILED: it must not be taken for blank media.
 */
export function decodeLabelBlock(block: Uint8Array, source: string): LabelRecord | null {
  const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  if (bytes.length < MAGIC_BYTES.length || !bytes.subarray(0, MAGIC_BYTES.length).equals(MAGIC_BYTES)) return null;
  const body = bytes.subarray(MAGIC_BYTES.length);
  const end = body.indexOf(0);
  const jsonBytes = end < 0 ? body : body.subarray(0, end);
  const damaged = (detail: string) =>
    new DeviceError(
      'PARSE_FAILED',
      `the Floe label in file 0 of ${source} is damaged (${detail}); move the cartridge out of use, or relabel it only if its data is no longer needed`,
    );
  if (end >= 0 && body.subarray(end).some((byte) => byte !== 0)) throw damaged('bytes after the label are not zero padding');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (error) {
    throw damaged(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checked = labelRecordSchema.safeParse(parsed);
  if (!checked.success) throw damaged(summary(checked.error));
  return checked.data;
}

function summary(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'label'}: ${issue.message}`)
    .join('; ');
}
