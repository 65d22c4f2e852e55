// Console fan-in and reconnect storm (issue #8), each figure beside its anchor from the same run.
// Run: node --import tsx test/bench/console-fanin.mjs   (or `npm run bench`)
// Fan-in: N agents (lib/agent-farm.ts: one real socket.io server each on loopback, real TLS with one
// pinned self-signed certificate, the real auth and snapshot/seq-delta protocol) each publish
// FLOE_BENCH_RATE job-progress deltas a second. Console side, in its own process: the real console
// core whose pushes feed the real renderer store in a third process (lib/fanin-console.ts), against
// the anchor: bare socket.io-clients receiving the same traffic. Targets: Floe ≤ 1.3× the bare
// cost; agent event → renderer store p99 ≤ 250 ms.
// Storm: every agent stops and restarts on the same port after FLOE_BENCH_STORM_DOWN_SECONDS;
// time from the restart until the console's fleet push lists all of them Online, and the console's
// event-loop p99 meanwhile, over the whole storm and split into the stop and the restart.
// Targets: ≤ 10 s, p99 ≤ 50 ms.
// FLOE_BENCH_LINK_THREAD=core runs the console's links on the core's own event loop instead of its
// link thread (for comparison); FLOE_BENCH_CPU_PROF_DIR=dir writes a --cpu-prof profile of every
// thread of every child process there (FLOE_BENCH_PROFILE_DIR: the main threads only, see lib/measure.ts).
// Each N runs FLOE_BENCH_FANIN_PAIRS pairs (bare, then Floe, alternating) after a warm-up of
// FLOE_BENCH_WARMUP_SECONDS: on this machine the same process's CPU per event differs by up to
// ±15 % from one run to the next (bare: 89–128 µs per event within minutes, the link thread alike),
// so the ratio is judged on the median of the pairs, every pair printed; the warm-up is long enough
// for the JIT to settle (3 s after connecting, the console's compiler threads still took 2–5 % of a
// core). The event-loop delay is sampled after the CPU window, in a window of its own (lib/measure.ts).
// Prints numbers only; it never passes or fails.
import { fork } from 'node:child_process';
import { machineLine } from './lib/measure.ts';

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number).filter((n) => n > 0);
const FANIN_N = list('FLOE_BENCH_FANIN_N', '100,500,1000');
const RATE = Number(process.env.FLOE_BENCH_RATE ?? 10);
const MEASURE_S = Number(process.env.FLOE_BENCH_FANIN_SECONDS ?? 10);
const WARMUP_S = Number(process.env.FLOE_BENCH_WARMUP_SECONDS ?? 15);
const PAIRS = Math.max(1, Number(process.env.FLOE_BENCH_FANIN_PAIRS ?? 5));
const STORM_N = Number(process.env.FLOE_BENCH_STORM_N ?? Math.max(0, ...FANIN_N));
const STORM_DOWN_S = Number(process.env.FLOE_BENCH_STORM_DOWN_SECONDS ?? 2);

const lib = new URL('./lib/', import.meta.url);
const childOptions = { execArgv: ['--import', 'tsx', ...(process.env.FLOE_BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FLOE_BENCH_CPU_PROF_DIR}`] : [])], env: { ...process.env, FLOE_BENCH_RATE: String(RATE) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code) => reject(new Error(`${child.spawnargs.at(-1)} exited with ${code} while waiting for ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const stopped = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));

async function consoleRun(side, farm, measureS) {
  // FLOE_BENCH_PROFILE_DIR=dir: each console process writes a V8 CPU profile there (lib/fanin-console.ts).
  const child = fork(new URL('fanin-console.ts', lib), [side], childOptions);
  child.send({ cmd: 'run', agents: farm.agents, credentials: farm.credentials, warmupMs: WARMUP_S * 1000, measureMs: measureS * 1000 });
  const online = await nextMessage(child, 'online');
  const result = await nextMessage(child, 'result');
  return { child, online, result };
}

const f = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const pad = (text, width) => String(text).padStart(width);

const perEvent = ({ result: { figures, latency } }) => (latency.events > 0 ? ((figures.cpuPercent / 100) * figures.seconds * 1e6) / latency.events : Number.NaN);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
};

function row(label, run) {
  const { online, result } = run;
  const { figures, latency, corePush } = result;
  const core = corePush ? `   (core push ${f(corePush.p50Ms, 0)} / ${f(corePush.p99Ms, 0)} ms)` : '';
  return `${label.padEnd(14)} ${pad(f(online.ms / 1000, 2), 7)} ${pad(f(figures.cpuPercent), 7)} ${pad(f(perEvent(run), 0), 8)} ${pad(f(figures.rssPeakMiB, 0), 8)} ${pad(f(figures.eventLoopP99Ms), 9)} ${pad(`${f(latency.p50Ms, 0)} / ${f(latency.p99Ms, 0)}`, 14)} ${pad(latency.events, 8)}${core}`;
}

console.log(`# Floe console fan-in and reconnect storm — ${new Date().toISOString()}`);
console.log(`# command: node --import tsx test/bench/console-fanin.mjs   (FLOE_BENCH_FANIN_N=${FANIN_N.join(',')} FLOE_BENCH_FANIN_PAIRS=${PAIRS} FLOE_BENCH_RATE=${RATE} FLOE_BENCH_FANIN_SECONDS=${MEASURE_S} FLOE_BENCH_WARMUP_SECONDS=${WARMUP_S} FLOE_BENCH_STORM_N=${STORM_N} FLOE_BENCH_STORM_DOWN_SECONDS=${STORM_DOWN_S})`);
console.log(`# machine: ${machineLine()}`);
console.log(`# agents: one farm process, one HTTPS+socket.io server per agent on 127.0.0.1, ${RATE} job-progress deltas/s each`);
console.log('# anchor: bare socket.io-client per agent (same TLS, same deltas, no processing); Floe: console core + pushes to the real renderer store in a separate process');
console.log('# columns: connect = until all connected/Online; CPU = % of one core; µs/event = CPU time per event delivered in the window (fair when the machine starves a process); RSS = peak; loop = event-loop delay p99 (sampled in 5 s of its own after the CPU window: its 10-ms timer would wake the core’s idle loop); latency = agent send → bare receive / renderer store applied (core push = as the core emits it, before IPC)');
console.log(`${'N / side'.padEnd(14)} ${pad('connect s', 7)} ${pad('CPU %', 7)} ${pad('µs/event', 8)} ${pad('RSS MiB', 8)} ${pad('loop p99', 9)} ${pad('lat p50/p99 ms', 14)} ${pad('events', 8)}`);

const rounds = [...new Set([...FANIN_N, ...(STORM_N > 0 ? [STORM_N] : [])])].sort((a, b) => a - b);
for (const n of rounds) {
  const farmProcess = fork(new URL('farm-process.ts', lib), [], childOptions);
  farmProcess.send({ cmd: 'start', count: n, rate: RATE });
  const farm = await nextMessage(farmProcess, 'ready');
  const measured = FANIN_N.includes(n);
  const ratios = [];
  const latencies = [];
  let floe;
  for (let pair = 1; pair <= (measured ? PAIRS : 1); pair += 1) {
    if (floe) {
      floe.child.send({ cmd: 'exit' });
      await stopped(floe.child);
    }
    if (measured) {
      const bare = await consoleRun('bare', farm, MEASURE_S);
      bare.child.kill();
      await stopped(bare.child);
      console.log(row(`${n} bare`, bare));
      floe = await consoleRun('floe', farm, MEASURE_S);
      console.log(row(`${n} Floe`, floe));
      ratios.push(perEvent(floe) / perEvent(bare));
      latencies.push(floe.result.latency.p99Ms);
    } else floe = await consoleRun('floe', farm, 1);
  }
  if (measured) {
    console.log(`fan-in N=${n}: Floe / bare µs per event ${ratios.map((ratio) => `${f(ratio, 2)}×`).join(', ')} → median ${f(median(ratios), 2)}× (target ≤ 1.3×); latency p99 ${latencies.map((ms) => f(ms, 0)).join(', ')} ms → median ${f(median(latencies), 0)} ms (target ≤ 250 ms)`);
  }
  if (n === STORM_N) {
    floe.child.send({ cmd: 'storm-begin' });
    const offline = nextMessage(floe.child, 'all-offline');
    farmProcess.send({ cmd: 'stop' });
    await nextMessage(farmProcess, 'stopped');
    await offline;
    await new Promise((resolve) => setTimeout(resolve, STORM_DOWN_S * 1000));
    const result = nextMessage(floe.child, 'storm-result');
    floe.child.send({ cmd: 'storm-restart' });
    farmProcess.send({ cmd: 'restart' });
    const restarted = await nextMessage(farmProcess, 'restarted');
    const storm = await result;
    console.log(
      `storm N=${n}: all ${n} agents restarted after ${STORM_DOWN_S} s down (listening again within ${f((restarted.listeningAt - restarted.at) / 1000, 2)} s) → all Online in the console after ${f((storm.allOnlineAt - restarted.at) / 1000, 2)} s (target ≤ 10 s); console event-loop p99 ${f(storm.figures.eventLoopP99Ms)} ms, max ${f(storm.figures.eventLoopMaxMs)} ms over the stop + restart (target ≤ 50 ms)`,
    );
    const phase = (figures) => (figures ? `p99 ${f(figures.eventLoopP99Ms)} ms, max ${f(figures.eventLoopMaxMs)} ms over ${f(figures.seconds, 2)} s` : '–');
    console.log(`storm N=${n} by phase: the stop (until all offline) ${phase(storm.stop)}; the restart (until all Online) ${phase(storm.restart)}`);
  }
  floe.child.send({ cmd: 'exit' });
  await stopped(floe.child);
  farmProcess.send({ cmd: 'exit' });
  await stopped(farmProcess);
}
