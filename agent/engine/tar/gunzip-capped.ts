/**
 * gunzip for tar.gz savesets that refuses decompression bombs: it stops with a TarLimitError once
 * the output passes `maxBytes`, or once the output/input ratio passes `maxRatio` (checked only after
 * `ratioGraceBytes` of output, so small highly-compressible archives still restore). gzip cannot
 * exceed about 1032:1, so the default ratio of 1000 only catches streams that are almost entirely
 * zeros; a restore of such a genuine saveset should pass maxRatio: Infinity.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { TarError, TarLimitError } from './entry.js';

export interface GunzipCapOptions {
  maxRatio?: number;
  ratioGraceBytes?: number;
}

export class CappedGunzip extends Transform {
  private readonly inner: Gunzip = createGunzip();
  private inBytes = 0;
  private outBytes = 0;
  private readonly maxRatio: number;
  private readonly ratioGraceBytes: number;

  constructor(
    private readonly maxBytes: number,
    options: GunzipCapOptions = {},
  ) {
    super();
    this.maxRatio = options.maxRatio ?? 1000;
    this.ratioGraceBytes = options.ratioGraceBytes ?? 256 * 1024 * 1024;
    this.inner.on('data', (chunk: Buffer) => this.output(chunk));
    this.inner.on('error', (error: Error) => this.destroy(new TarError('TAR_FORMAT', `the saveset is not valid gzip data (${error.message}); run verify on the saveset`)));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inBytes += chunk.length;
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }

  override _flush(callback: TransformCallback): void {
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _read(size: number): void {
    this.inner.resume();
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  private output(chunk: Buffer): void {
    if (this.destroyed) return;
    this.outBytes += chunk.length;
    if (this.outBytes > this.maxBytes) {
      this.destroy(new TarLimitError(`the compressed saveset expands to more than ${this.maxBytes} bytes (the cap); decompression was stopped. If the saveset is genuinely that large, raise the cap`));
      return;
    }
    if (this.outBytes > this.ratioGraceBytes && this.outBytes / Math.max(this.inBytes, 1) > this.maxRatio) {
      this.destroy(new TarLimitError(`the compressed saveset expands more than ${this.maxRatio} times (${this.inBytes} bytes became over ${this.outBytes}); decompression was stopped as a likely decompression bomb`));
      return;
    }
    if (!this.push(chunk)) this.inner.pause();
  }
}

/** A Transform that gunzips, stopping past `maxBytes` of output or an absurd expansion ratio. */
export function gunzipCapped(maxBytes: number, options: GunzipCapOptions = {}): CappedGunzip {
  return new CappedGunzip(maxBytes, options);
}
