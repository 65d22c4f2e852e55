/**
 * The console side of the fan-in benchmark, in its own process so CPU and RSS are its own.
 * `floe`: the real console core (registry + pinned WSS AgentLinks + replicas + topics), its
 * `fleet`/`location`/`alarms`/`summary`/`changes` pushes (the topics the renderer bridge subscribes)
 * sent to a renderer-store process over Node IPC (structured clone, like Electron's IPC), where the
 * real zustand store applies them.
 * `bare`: the anchor, one plain socket.io-client per agent over the same TLS, receiving the same deltas.
 * Driven over IPC: `{ cmd: 'run', agents, credentials, warmupMs, measureMs }` → `{ type: 'online' }`
 * then `{ type: 'result', figures, latency }`; `floe` then serves `{ cmd: 'storm-begin' }`.
 */
import { TopicFollower } from '../../../shared/topic-patch.js';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectClient, type Socket } from 'socket.io-client';
import { createConsoleCore } from '../../../main/core/console-core.js';
import { writePrivateFile } from '../../../main/core/secret-store.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.js';
import type { FleetView } from '../../../shared/fleet.js';
import type { FarmAgentInfo, FarmCredentials } from './agent-farm.js';
import { percentile, profileIfAsked, SampleLog, startWindow, type WindowFigures } from './measure.js';
import { benchJobOfPatch, LatencyBook, type LatencyFigures } from './latency-book.js';

interface RunCommand {
  readonly cmd: 'run';
  readonly agents: readonly FarmAgentInfo[];
  readonly credentials: FarmCredentials;
  readonly warmupMs: number;
  readonly measureMs: number;
}


const mode = process.argv[2] === 'bare' ? 'bare' : 'floe';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const send = (message: unknown): void => {
  process.send?.(message);
};

/** How long the event-loop delay is sampled, after the CPU window (see startWindow). */
const LOOP_WINDOW_MS = 5000;

/** After the warm-up: CPU, RSS and the events' latency over `measureMs`, then the event-loop delay over a window of its own. */
async function measure(warmupMs: number, measureMs: number, latency: (t0: number, t1: number) => Promise<LatencyFigures>): Promise<{ figures: WindowFigures; latency: LatencyFigures }> {
  await sleep(warmupMs);
  const t0 = Date.now();
  const window = startWindow({ loopDelay: false });
  await sleep(measureMs);
  const figures = window.stop();
  const t1 = Date.now();
  const loopWindow = startWindow();
  await sleep(LOOP_WINDOW_MS);
  const loop = loopWindow.stop();
  return { figures: { ...figures, eventLoopP99Ms: loop.eventLoopP99Ms, eventLoopMaxMs: loop.eventLoopMaxMs }, latency: await latency(t0, t1) };
}

async function runBare(command: RunCommand): Promise<void> {
  const samples = new SampleLog();
  let connected = 0;
  const sockets: Socket[] = command.agents.map(({ port }) => {
    const socket = connectClient(`https://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      rejectUnauthorized: false,
      auth: { token: command.credentials.token, protocol: PROTOCOL_VERSION },
    });
    socket.on('connect', () => (connected += 1));
    socket.on('delta', (delta: { at: string }) => {
      const sentAt = Date.parse(delta.at);
      samples.push(sentAt, Date.now() - sentAt);
    });
    return socket;
  });
  const start = Date.now();
  while (connected < sockets.length) await sleep(50);
  send({ type: 'online', ms: Date.now() - start });
  const result = await measure(command.warmupMs, command.measureMs, async (t0, t1) => {
    const inWindow = samples.valuesBetween(t0, t1);
    return { events: inWindow.length, p50Ms: percentile(inWindow, 50), p99Ms: percentile(inWindow, 99) };
  });
  send({ type: 'result', ...result });
  for (const socket of sockets) socket.disconnect();
}

async function runFloe(command: RunCommand): Promise<void> {
  const configDir = mkdtempSync(join(tmpdir(), 'floe-bench-console-'));
  const addedAt = new Date().toISOString();
  const registrations = command.agents.map(({ name, port }) => ({ id: randomUUID(), name, host: '127.0.0.1', port, fingerprint: command.credentials.fingerprint, addedAt }));
  writePrivateFile(join(configDir, 'locations.json'), `${JSON.stringify({ version: 1, locations: registrations })}\n`);
  writePrivateFile(join(configDir, 'tokens.json'), `${JSON.stringify(Object.fromEntries(registrations.map(({ id }) => [id, command.credentials.token])))}\n`);

  const renderer: ChildProcess = fork(join(import.meta.dirname, 'renderer-store-process.ts'), [], { serialization: 'advanced', execArgv: ['--import', 'tsx'] });
  const rendererReady = new Promise<void>((resolve) => renderer.once('message', () => resolve()));
  await rendererReady;
  const toRenderer = (topic: string) => (payload: unknown) => renderer.send({ topic, payload });

  // Online = the fleet push (what the renderer shows) lists every location as online.
  let allOnlineWaiter: ((at: number) => void) | undefined;
  let allOfflineWaiter: (() => void) | undefined;
  const debug = process.env.FLOE_BENCH_DEBUG ? setInterval(() => console.error(`[floe console] ${lastOnline} online`), 2000) : undefined;
  let lastOnline = 0;
  const onFleet = (view: FleetView): void => {
    const online = view.locations.filter((location) => location.status === 'online').length;
    lastOnline = online;
    if (online === view.locations.length && view.locations.length === command.agents.length) allOnlineWaiter?.(Date.now());
    if (online === 0) allOfflineWaiter?.();
  };
  const start = Date.now();
  const onlineAt = new Promise<number>((resolve) => (allOnlineWaiter = resolve));
  // FLOE_BENCH_LINK_THREAD=core: the links on the core's own event loop, as before the link thread (A/B runs).
  const core = createConsoleCore({ configDir, ...(process.env.FLOE_BENCH_LINK_THREAD === 'core' ? { linkThread: 'core' as const } : {}) });
  const toRendererFleet = toRenderer('fleet');
  // The bench follows the fleet topic (to see all Online / all offline) only while it waits for
  // that, not in the measured window; it resyncs from a snapshot when it starts waiting again.
  const fleetFollower = new TopicFollower<FleetView>();
  let watchingFleet = true;
  const followFleet = (push: Parameters<typeof fleetFollower.follow>[0]): void => {
    if (fleetFollower.follow(push) === 'applied' && fleetFollower.value) onFleet(fleetFollower.value);
  };
  core.service.onTopic('fleet', (push) => {
    toRendererFleet(push);
    if (watchingFleet) followFleet(push);
  });
  // Also booked here, as the core pushes (before IPC and the store): splits core time from delivery.
  const corePush = new LatencyBook(1000 / Number(process.env.FLOE_BENCH_RATE ?? 10));
  const toRendererLocation = toRenderer('location');
  // The core's location pushes are patches: the bench job's fields are read from them directly
  // (rebuilding every detail here, as it did until 2026-11-29, cost the console process a few %).
  core.service.onTopic('location', (push) => {
    const now = Date.now();
    for (const member of push.locations) {
      const job = benchJobOfPatch(member.patch as Parameters<typeof benchJobOfPatch>[0]);
      if (job) corePush.progress(member.id, job.files, job.currentFile, now);
    }
    toRendererLocation(push);
  });
  core.service.onTopic('alarms', toRenderer('alarms'));
  // The renderer bridge subscribes these too (renderer/src/bridge.ts), so the core does their work.
  core.service.onTopic('summary', toRenderer('summary'));
  core.service.onTopic('changes', toRenderer('changes'));
  send({ type: 'online', ms: (await onlineAt) - start });
  allOnlineWaiter = undefined;
  watchingFleet = false;

  const askRenderer = (t0: number, t1: number): Promise<LatencyFigures> =>
    new Promise((resolve) => {
      renderer.once('message', (message) => resolve(message as LatencyFigures));
      renderer.send({ topic: 'stats', payload: { t0, t1 } });
    });
  let window: [number, number] = [0, 0];
  const result = await measure(command.warmupMs, command.measureMs, (t0, t1) => {
    window = [t0, t1];
    return askRenderer(t0, t1);
  });
  send({ type: 'result', ...result, corePush: corePush.figures(...window) });

  let restartWindow: ReturnType<typeof startWindow> | undefined;
  process.on('message', (message: { cmd: string; restartAt?: number }) => {
    if (message.cmd === 'storm-restart') restartWindow = startWindow();
    if (message.cmd === 'storm-begin') {
      // The farm is about to stop every agent: report all offline, then time the way back.
      const window = startWindow();
      // The stop alone: from the farm's stop until the console shows every location offline.
      const stopWindow = startWindow();
      let stopFigures: WindowFigures | undefined;
      const offline = new Promise<void>((resolve) => (allOfflineWaiter = resolve));
      watchingFleet = true;
      fleetFollower.reset();
      void core.service.topicSnapshot({ topic: 'fleet' }).then(followFleet);
      void offline
        .then(() => {
          allOfflineWaiter = undefined;
          stopFigures = stopWindow.stop();
          send({ type: 'all-offline', at: Date.now() });
          return new Promise<number>((resolve) => (allOnlineWaiter = resolve));
        })
        .then((at) => {
          allOnlineWaiter = undefined;
          send({ type: 'storm-result', allOnlineAt: at, figures: window.stop(), stop: stopFigures, restart: restartWindow?.stop() });
        });
    }
    if (message.cmd === 'exit') {
      clearInterval(debug);
      core.dispose();
      renderer.kill();
      rmSync(configDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
}

profileIfAsked(`console-${mode}`);

process.once('message', (command: RunCommand) => {
  void (mode === 'bare' ? runBare(command) : runFloe(command)).catch((error: unknown) => {
    console.error(`fan-in console (${mode}):`, error);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
