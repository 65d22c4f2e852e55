/**
 * A backup worker's link to the main thread, for the worker that produces the stream (archive
 * worker or stream worker): stream batches go out transferred, at most `maxInFlight` ahead of the
 * media writes (one credit back per batch written); the buffer a credit brings back is reused for
 * a later batch (fresh memory costs a page fault per 4 KiB); a `cancel` aborts the worker's signal.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './archive-protocol.js';

export class BatchLink {
  readonly abort = new AbortController();
  private credits: number;
  private waiter: (() => void) | null = null;
  /** Batch buffers the main thread has written and given back. */
  private readonly spare: ArrayBuffer[] = [];

  private readonly onMessage = (message: ToWorker): void => {
    if (message.type === 'credit') {
      this.credits += 1;
      if (message.buffer) this.spare.push(message.buffer);
    } else if (message.type === 'cancel') {
      this.abort.abort(new Error('cancelled'));
    } else {
      return;
    }
    this.waiter?.();
    this.waiter = null;
  };

  constructor(
    private readonly port: MessagePort,
    maxInFlight: number,
  ) {
    this.credits = maxInFlight;
    port.on('message', this.onMessage);
  }

  /** Stops listening (a pooled worker's job has ended). */
  close(): void {
    this.port.off('message', this.onMessage);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /** A buffer of at least `bytes` for a batch: one given back if it is large enough, else a new one (not zero-filled). */
  buffer(bytes: number): Buffer {
    for (let buffer = this.spare.pop(); buffer !== undefined; buffer = this.spare.pop()) {
      if (buffer.byteLength >= bytes) return Buffer.from(buffer);
    }
    return Buffer.allocUnsafeSlow(bytes);
  }

  /** Sends the first `length` bytes of `buffer` (transferred: the caller must not touch it again), with their CRC-32 if known, once a credit allows. */
  async send(buffer: ArrayBuffer, length: number, crc?: number): Promise<void> {
    while (this.credits === 0 && !this.signal.aborted) await new Promise<void>((resolve) => (this.waiter = resolve));
    this.signal.throwIfAborted();
    this.credits -= 1;
    this.post(crc === undefined ? { type: 'data', buffer, length } : { type: 'data', buffer, length, crc }, [buffer]);
  }
}
