/** Barcode rules the views need, without schemas (the barcode schema is in devices.ts). */

/** Cleaning cartridges carry barcodes starting with CLN. */
export function isCleaningBarcode(barcode: string | null | undefined): boolean {
  return typeof barcode === 'string' && barcode.startsWith('CLN');
}
