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

/** Starts measuring this process: CPU over the window, RSS sampled every 200 ms, event-loop delay at 10 ms resolution. */
export function startWindow(): Window {
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let rssPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 200);
  return {
    stop() {
      clearInterval(sampler);
      histogram.disable();
      const cpu = process.cpuUsage(startCpu);
      const wallMs = performance.now() - startWall;
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      return {
        seconds: wallMs / 1000,
        cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        rssPeakMiB: rssPeak / 1024 / 1024,
        eventLoopP99Ms: histogram.percentile(99) / 1e6,
        eventLoopMaxMs: histogram.max / 1e6,
      };
    },
  };
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
