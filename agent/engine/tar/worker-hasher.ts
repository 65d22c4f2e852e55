/**
 * SHA-256 of file data on a worker thread, so hashing runs beside the stream instead of on the
 * event loop (hashing on the main thread costs about 0.7 s per GiB there and made it the data
 * path's bottleneck). The main thread still parses headers; per input chunk it copies the bytes that
 * hold file data once into a transferred buffer and sends (file id, start, end) ranges; the worker
 * keeps one hash per open file and returns digests in order.
 */
import { Worker } from 'node:worker_threads';

// Plain JavaScript (an eval worker), so it runs the same from sources (tsx, vitest) and from dist.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const open = new Map();
parentPort.on('message', (message) => {
  const data = Buffer.from(message.data);
  const ranges = message.ranges;
  for (let index = 0; index < ranges.length; index += 3) {
    let hash = open.get(ranges[index]);
    if (!hash) open.set(ranges[index], (hash = createHash('sha256')));
    hash.update(data.subarray(ranges[index + 1], ranges[index + 2]));
  }
  const digests = [];
  for (const id of message.done) {
    const hash = open.get(id) || createHash('sha256');
    open.delete(id);
    digests.push(id, hash.digest('hex'));
  }
  parentPort.postMessage({ bytes: data.length, digests });
});
`;

interface Reply {
  bytes: number;
  digests: Array<number | string>;
}

/** Bytes sent to the worker and not yet hashed before the stream is held back. */
const MAX_IN_FLIGHT = 16 * 1024 * 1024;

export class WorkerHasher {
  private readonly worker: Worker;
  private chunk: Buffer | null = null;
  private ranges: number[] = [];
  private done: number[] = [];
  private low = Infinity;
  private high = 0;
  private inFlight = 0;
  private messages = 0;
  private waiters: Array<() => void> = [];
  private failure: Error | null = null;

  constructor(
    private readonly onDigest: (id: number, sha256: string) => void,
    onError: (error: Error) => void,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (reply: Reply) => {
      this.inFlight -= reply.bytes;
      this.messages--;
      for (let index = 0; index < reply.digests.length; index += 2) this.onDigest(reply.digests[index] as number, reply.digests[index + 1] as string);
      this.wake();
    });
    this.worker.on('error', (error: Error) => {
      this.failure = error;
      onError(error);
      this.wake();
    });
  }

  /** The input chunk the next data() slices are views of. */
  begin(chunk: Buffer): void {
    this.chunk = chunk;
  }

  data(id: number, slice: Buffer): void {
    const start = slice.byteOffset - (this.chunk as Buffer).byteOffset;
    this.ranges.push(id, start, start + slice.length);
    this.low = Math.min(this.low, start);
    this.high = Math.max(this.high, start + slice.length);
  }

  finish(id: number): void {
    this.done.push(id);
  }

  /** Sends what the current chunk contributed (one copy of the bytes that carry file data). */
  flush(): void {
    if (this.ranges.length === 0 && this.done.length === 0) return;
    const chunk = this.chunk as Buffer;
    const low = this.ranges.length === 0 ? 0 : this.low;
    const copy = new Uint8Array(Math.max(this.high - low, 0));
    copy.set(chunk.subarray(low, this.high));
    for (let index = 1; index < this.ranges.length; index += 3) {
      this.ranges[index] = (this.ranges[index] as number) - low;
      this.ranges[index + 1] = (this.ranges[index + 1] as number) - low;
    }
    this.worker.postMessage({ data: copy.buffer, ranges: this.ranges, done: this.done }, [copy.buffer]);
    this.inFlight += copy.length;
    this.messages++;
    this.ranges = [];
    this.done = [];
    this.low = Infinity;
    this.high = 0;
  }

  /** Resolves once the worker is not too far behind (or everything was hashed, when `all`). */
  async settle(all = false): Promise<void> {
    while (!this.failure && (all ? this.messages > 0 : this.inFlight > MAX_IN_FLIGHT)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  close(): void {
    void this.worker.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
