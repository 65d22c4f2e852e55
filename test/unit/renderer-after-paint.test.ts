/** afterPaint: work after the next frame's paint and an idle moment, once; a hidden page (no frames) goes on after a second. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterPaint } from '../../renderer/src/after-paint';

let frames: Array<() => void> = [];
let idles: Array<() => void> = [];

beforeEach(() => {
  vi.useFakeTimers();
  frames = [];
  idles = [];
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
  vi.stubGlobal('requestIdleCallback', (callback: () => void) => idles.push(callback));
  vi.stubGlobal('cancelIdleCallback', () => undefined);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('afterPaint', () => {
  it('runs the work after the frame, the task after it and an idle moment, once', () => {
    const work = vi.fn();
    afterPaint(work);
    expect(idles).toHaveLength(0);
    frames.shift()?.();
    expect(idles).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(idles).toHaveLength(1);
    expect(work).not.toHaveBeenCalled();
    idles.shift()?.();
    expect(work).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    expect(idles).toHaveLength(0);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('goes on without a frame after a second (a hidden page draws none), and a late frame changes nothing', () => {
    const work = vi.fn();
    afterPaint(work);
    vi.advanceTimersByTime(999);
    expect(idles).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(idles).toHaveLength(1);
    idles.shift()?.();
    expect(work).toHaveBeenCalledTimes(1);
    frames.shift()?.();
    vi.advanceTimersByTime(0);
    expect(idles).toHaveLength(0);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('runs nothing once cancelled', () => {
    const work = vi.fn();
    const cancel = afterPaint(work);
    frames.shift()?.();
    vi.advanceTimersByTime(0);
    cancel();
    idles.shift()?.();
    vi.advanceTimersByTime(2000);
    expect(work).not.toHaveBeenCalled();
  });
});
