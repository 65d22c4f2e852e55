/** The benchmarks' sample log: what it books it gives back by time window, also past its first capacity. */
import { describe, expect, it } from 'vitest';
import { SampleLog } from '../bench/lib/measure.js';

describe('SampleLog', () => {
  it('gives back the values timed in [t0, t1), in booking order, after growing past its first array', () => {
    const log = new SampleLog();
    const count = 200_000; // more pairs than the first array holds
    for (let index = 0; index < count; index += 1) log.push(1000 + index, index % 7);
    expect(log.valuesBetween(1000, 1005)).toEqual([0, 1, 2, 3, 4]);
    expect(log.valuesBetween(1000 + count - 2, 1000 + count + 10)).toEqual([(count - 2) % 7, (count - 1) % 7]);
    expect(log.valuesBetween(0, 1000)).toEqual([]);
    expect(log.valuesBetween(1000, 1000 + count)).toHaveLength(count);
  });
});
