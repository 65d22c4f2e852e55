/** A real agent with a virtual tape library, a pool, labelled media and a source tree, for engine tests. */
import { mkdirSync, symlinkSync, linkSync, writeFileSync, utimesSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PinnedAgent } from '../../main/core/pinning.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { FINAL_JOB_STATES, type Job } from '../../shared/engine.js';
import type { InitResult } from '../../agent/init.js';

export type Raw = Socket & { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };

export async function connectAdmin(init: InitResult, port: number, token = init.token): Promise<Raw> {
  const socket = io(`https://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    agent: new PinnedAgent(init.fingerprint) as unknown as string,
    auth: { token, protocol: PROTOCOL_VERSION },
  }) as Raw;
  await new Promise<void>((done, fail) => {
    socket.once('snapshot', () => done());
    socket.once('connect_error', fail);
  });
  return socket;
}

export async function call<T = unknown>(socket: Raw, event: string, args: unknown): Promise<T> {
  const reply = (await socket.timeout(60_000).emitWithAck(event, args)) as { ok: boolean; data?: T; error?: { code: string; message: string } };
  if (!reply.ok) throw Object.assign(new Error(`${event}: ${reply.error?.code} ${reply.error?.message}`), { code: reply.error?.code });
  return reply.data as T;
}

/** Starts a job and resolves with its final state, seen through the agent's deltas. */
export async function runJob(socket: Raw, event: string, args: unknown, timeoutMs = 60_000): Promise<Job> {
  let id = '';
  const seen: Job[] = [];
  let settle: (job: Job) => void = () => undefined;
  const final = new Promise<Job>((resolve) => (settle = resolve));
  const isFinal = (job: Job): boolean => job.id === id && FINAL_JOB_STATES.includes(job.state) && job.endedAt !== null;
  const listener = (delta: { change: { domain: string; change: { job: Job } } }) => {
    if (delta.change.domain !== 'jobs') return;
    const job = delta.change.change.job;
    if (!id) seen.push(job);
    else if (isFinal(job)) settle(job);
  };
  socket.on('delta', listener);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const started = await call<Job>(socket, event, args);
    id = started.id;
    const early = seen.find(isFinal);
    if (early) return early;
    return await Promise.race([
      final,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${event} did not end within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    socket.off('delta', listener);
  }
}

export interface Library {
  readonly loader: string;
  readonly pool: string;
}

/** A VTL of `slots` cartridges of `capacity` bytes; `labelled` of them labelled into pool DAILY. */
export async function prepareLibrary(socket: Raw, options: { capacity?: number; slots?: number; labelled?: number } = {}): Promise<Library> {
  const slots = options.slots ?? 6;
  await call(socket, 'loader:create', { name: 'lib1', kind: 'vtl', drives: 2, slots, ieSlots: 1, capacity: options.capacity ?? 64 * 1024 * 1024, barcodePrefix: 'FLO' });
  await call(socket, 'pool:add', { name: 'DAILY' });
  for (let slot = 1; slot <= (options.labelled ?? 2); slot += 1) await call(socket, 'media:label', { loader: 'lib1', slot, pool: 'DAILY' });
  return { loader: 'lib1', pool: 'DAILY' };
}

/** A source tree with the shapes a backup must keep: modes, mtimes, symlinks, hard links, empty dirs, long names. */
export function makeSourceTree(root: string): void {
  mkdirSync(join(root, 'docs', 'deep', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'docs', 'readme.txt'), 'hello floe\n');
  writeFileSync(join(root, 'docs', 'deep', 'data.bin'), randomBytes(200_000));
  writeFileSync(join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'script.sh'), 0o750);
  const long = 'n'.repeat(120);
  mkdirSync(join(root, long));
  writeFileSync(join(root, long, `${long}.txt`), 'long path\n');
  symlinkSync('docs/readme.txt', join(root, 'link-to-readme'));
  linkSync(join(root, 'docs', 'readme.txt'), join(root, 'hard-readme'));
  writeFileSync(join(root, 'ünïcødé name.txt'), 'unicode\n');
  utimesSync(join(root, 'docs', 'readme.txt'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
}
