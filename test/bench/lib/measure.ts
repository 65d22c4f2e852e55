/** Process-side measurements for benchmarks: CPU, peak RSS and event-loop delay over a window, and percentiles. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { cpus, release, totalmem, type as osType } from 'node:os';

export interface WindowFigures {
  readonly seconds: number;
  /** CPU time (user + system) over wall time, in % of one core. */
  readonly cpuPercent: number;
  readonly rssPeakMiB: number;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
}

export interface Window {
  stop(): WindowFigures;
}

/**
 * Starts measuring this process: CPU over the window, RSS sampled every 200 ms, and (unless
 * `loopDelay` is false) event-loop delay at 10 ms resolution. That sampling is a timer waking the
 * loop 100 times a second: on a loop that is otherwise mostly idle (the console core's, whose
 * sockets are on its link thread) it cost more CPU than on a busy one, so the fan-in bench takes
 * CPU and loop delay in windows of their own.
 */
export function startWindow(options: { readonly loopDelay?: boolean } = {}): Window {
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  const histogram = options.loopDelay === false ? undefined : monitorEventLoopDelay({ resolution: 10 });
  histogram?.enable();
  let rssPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 200);
  return {
    stop() {
      clearInterval(sampler);
      histogram?.disable();
      const cpu = process.cpuUsage(startCpu);
      const wallMs = performance.now() - startWall;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      return {
        seconds: wallMs / 1000,
        cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        rssPeakMiB: rssPeak / 1024 / 1024,
        eventLoopP99Ms: histogram ? histogram.percentile(99) / 1e6 : Number.NaN,
        eventLoopMaxMs: histogram ? histogram.max / 1e6 : Number.NaN,
      };
    },
  };
}

/**
 * Timed samples (a time and a value each) in one growing Float64Array: booking one allocates
 * nothing, so the instrument leaves no garbage for the collector of the process it measures (an
 * array per sample did, and the collector's threads then took a varying share of the CPU measured).
 */
export class SampleLog {
  private data = new Float64Array(1 << 17);
  private length = 0;

  push(at: number, value: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = at;
    this.data[this.length + 1] = value;
    this.length += 2;
  }

  /** The values of the samples timed in [t0, t1). */
  valuesBetween(t0: number, t1: number): number[] {
    const values: number[] = [];
    for (let index = 0; index < this.length; index += 2) {
      const at = this.data[index] as number;
      if (at >= t0 && at < t1) values.push(this.data[index + 1] as number);
    }
    return values;
  }
}

/** The p-th percentile (0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function machineLine(): string {
  const cpu = cpus();
  return `${osType()} ${release()}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}`;
}

/** FLOE_BENCH_PROFILE_DIR=dir: a V8 CPU profile of this process's first FLOE_BENCH_PROFILE_SECONDS (default 20), for Chrome DevTools. */
export function profileIfAsked(name: string): void {
  const dir = process.env.FLOE_BENCH_PROFILE_DIR;
  if (!dir) return;
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.start', () => {
      setTimeout(() => {
        session.post('Profiler.stop', (error, result) => {
          if (!error) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
          session.disconnect();
        });
      }, Number(process.env.FLOE_BENCH_PROFILE_SECONDS ?? 20) * 1000).unref();
    }),
  );
}
