import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../main/core/backoff.js';
import { coalesce } from '../../main/core/coalesce.js';
import { ConnectGate } from '../../main/core/connect-gate.js';
import { dispatchCall } from '../../main/core/dispatch.js';
import { TurnQueue } from '../../main/core/turn-queue.js';
import { FloeError } from '../../shared/errors.js';
import type { ConsoleService } from '../../shared/console-api.js';

describe('backoff', () => {
  const options = { minMs: 500, maxMs: 30_000, jitter: 0.5 };
  it('doubles from the minimum up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([500, 1000, 2000, 4000, 30_000]);
  });
  it('removes up to the jitter share at random', () => {
    expect(backoffDelay(2, options, () => 1)).toBe(1000);
    expect(backoffDelay(2, options, () => 0.5)).toBe(1500);
  });
});

describe('coalesce', () => {
  afterEach(() => vi.useRealTimers());
  it('emits the first value at once and then only the newest, once per interval', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const pusher = coalesce<number>(100, (n) => seen.push(n));
    pusher.push(1);
    pusher.push(2);
    pusher.push(3);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 3]);
    pusher.push(4);
    expect(seen).toEqual([1, 3, 4]);
  });
  it('drops what is pending when disposed', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const pusher = coalesce<number>(100, (n) => seen.push(n));
    pusher.push(1);
    pusher.push(2);
    pusher.dispose();
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([1]);
  });

  it('with a turn queue, coalescers that fall due together emit one per event-loop turn, each its newest value', async () => {
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const turns = new TurnQueue();
    const seen: string[] = [];
    const a = coalesce<number>(100, (n) => seen.push(`a${n}`), turns);
    const b = coalesce<number>(100, (n) => seen.push(`b${n}`), turns);
    const c = coalesce<number>(100, (n) => seen.push(`c${n}`), turns);
    a.push(1);
    b.push(1);
    c.push(1);
    a.push(2); // joins a's queued emit
    expect(seen).toEqual([]);
    await turn();
    expect(seen).toEqual(['a2']);
    await turn();
    expect(seen).toEqual(['a2', 'b1']);
    c.dispose(); // a disposed coalescer's queued emit does nothing
    await turn();
    await turn();
    expect(seen).toEqual(['a2', 'b1']);
    // Once emitted, the interval applies again: a's next value waits for its timer, then its turn.
    a.push(3);
    await turn();
    expect(seen).toEqual(['a2', 'b1']);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await turn();
    expect(seen).toEqual(['a2', 'b1', 'a3']);
    turns.dispose();
  });
});

describe('TurnQueue holds', () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('jobs wait while held and run, one per turn, once every hold is released (a release counts once)', async () => {
    const turns = new TurnQueue(10_000);
    const seen: string[] = [];
    const first = turns.hold();
    const second = turns.hold();
    turns.run(() => seen.push('a'));
    turns.run(() => seen.push('b'));
    await turn();
    await turn();
    first();
    first(); // released twice: the second hold still holds
    await turn();
    expect(seen).toEqual([]);
    second();
    await turn();
    expect(seen).toEqual(['a']);
    await turn();
    expect(seen).toEqual(['a', 'b']);
    turns.dispose();
  });

  it('a hold that lasts keeps jobs waiting maxHoldMs after the first waited, no longer', async () => {
    const turns = new TurnQueue(40);
    const seen: number[] = [];
    turns.hold(); // never released
    const queuedAt = performance.now();
    turns.run(() => seen.push(performance.now() - queuedAt));
    turns.run(() => seen.push(performance.now() - queuedAt));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Both ran after the wait; the second did not wait again.
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeGreaterThanOrEqual(35);
    expect((seen[1] as number) - (seen[0] as number)).toBeLessThan(30);
    turns.dispose();
  });

  it('without holds, a job queued runs in the next turn', async () => {
    const turns = new TurnQueue(10_000);
    const release = turns.hold();
    release();
    const seen: string[] = [];
    turns.run(() => seen.push('a'));
    await turn();
    expect(seen).toEqual(['a']);
    turns.dispose();
  });
});

describe('ConnectGate', () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  it('starts at most perTurn attempts a turn and at most maxInFlight at once, in order; a release lets the next one in', async () => {
    const gate = new ConnectGate({ maxInFlight: 3, perTurn: 2 });
    const started: number[] = [];
    const tickets = Array.from({ length: 6 }, (_, n) => gate.enter(() => started.push(n)));
    expect(started).toEqual([]);
    await turn();
    expect(started).toEqual([0, 1]);
    await turn();
    expect(started).toEqual([0, 1, 2]);
    await turn();
    expect(gate.load).toEqual({ inFlight: 3, waiting: 3 });
    tickets[0]?.release();
    tickets[0]?.release();
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    // A waiting attempt withdrawn never starts.
    tickets[4]?.release();
    tickets[1]?.release();
    tickets[2]?.release();
    await turn();
    expect(started).toEqual([0, 1, 2, 3, 5]);
    expect(gate.load).toEqual({ inFlight: 2, waiting: 0 });
    gate.dispose();
  });
});

describe('dispatchCall', () => {
  const service = {
    getFleet: vi.fn(async () => ({ locations: [] })),
    probeLocation: vi.fn(async () => {
      throw new FloeError('UNREACHABLE', 'cannot reach 10.0.0.1:7443');
    }),
    addLocation: vi.fn(async () => {
      throw new TypeError('boom');
    }),
    removeLocation: vi.fn(),
    onTopic: vi.fn(),
  } as unknown as ConsoleService;

  it.each([['constructor'], ['__proto__'], ['toString'], ['onTopic'], [42], [undefined]])('refuses the unknown call %s', async (name) => {
    expect(await dispatchCall(service, name, {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
  it('names the bad field', async () => {
    expect(await dispatchCall(service, 'probeLocation', { host: 'a', port: 'x' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('port') },
    });
    expect(service.probeLocation).not.toHaveBeenCalled();
  });
  it('passes a FloeError through with its code, and wraps anything else as INTERNAL', async () => {
    expect(await dispatchCall(service, 'probeLocation', { host: '10.0.0.1', port: 7443 })).toEqual({ ok: false, error: { code: 'UNREACHABLE', message: 'cannot reach 10.0.0.1:7443' } });
    const fingerprint = `SHA256:${Array.from({ length: 32 }, () => 'AA').join(':')}`;
    expect(await dispatchCall(service, 'addLocation', { name: 'a', host: 'h', port: 1, token: 't', fingerprint })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
  it('returns data on success', async () => {
    expect(await dispatchCall(service, 'getFleet', undefined)).toEqual({ ok: true, data: { locations: [] } });
  });
});

describe('unpackedPath (the link thread in a packaged console)', () => {
  it('reads the thread from app.asar.unpacked where it was unpacked, and leaves any other path alone', async () => {
    const { unpackedPath } = await import('../../main/core/thread-start.js');
    const unpacked = new Set(['/opt/Floe/resources/app.asar.unpacked/out/main/link-thread.js', 'C:\\Floe\\resources\\app.asar.unpacked\\out\\main\\link-thread.js']);
    const exists = (path: string): boolean => unpacked.has(path);
    expect(unpackedPath('/opt/Floe/resources/app.asar/out/main/link-thread.js', exists)).toBe('/opt/Floe/resources/app.asar.unpacked/out/main/link-thread.js');
    expect(unpackedPath('C:\\Floe\\resources\\app.asar\\out\\main\\link-thread.js', exists)).toBe('C:\\Floe\\resources\\app.asar.unpacked\\out\\main\\link-thread.js');
    // Not unpacked (an older package): the path as it is; not packaged at all: untouched.
    expect(unpackedPath('/opt/Old/resources/app.asar/out/main/link-thread.js', exists)).toBe('/opt/Old/resources/app.asar/out/main/link-thread.js');
    expect(unpackedPath('/work/floe/out/main/link-thread.js', () => true)).toBe('/work/floe/out/main/link-thread.js');
  });
});
