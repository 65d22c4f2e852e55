/**
 * A running floe-agent: socket.io over HTTPS/WSS only, tokens checked once per connection, then
 * `location:hello` and a full `snapshot` to every console that connects.
 */
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import type { LocationIdentity } from '../../shared/protocol/catalog.js';
import { readConfig, type Listen } from '../config.js';
import { dataDirPaths } from '../data-dir.js';
import type { Logger } from '../log.js';
import { removeRunFile, writeRunFile } from '../run-file.js';
import { readSecretFile } from '../secure-files.js';
import { certificateFingerprint } from '../tls.js';
import { TokenStore } from '../tokens.js';
import { AGENT_VERSION } from '../version.js';
import { authMiddleware } from './auth.js';
import { registerSnapshotHandlers } from './handlers/snapshot.js';
import { registerDeviceHandlers } from './handlers/devices.js';
import { registerLicenseHandlers } from './handlers/license.js';
import { openCatalog } from '../catalog/database.js';
import { DeviceService } from '../devices/device-service.js';
import type { AdapterFactory } from '../devices/loader-runtime.js';
import { LicenseService } from '../license/service.js';
import { EngineService } from '../engine/engine-service.js';
import { closeIdleWorkers } from '../engine/worker-pool.js';
import { registerEngineHandlers } from './handlers/engine.js';
import { ScheduleStore } from '../schedule/schedule-store.js';
import { ScheduleService } from '../schedule/schedule-service.js';
import { registerScheduleHandlers } from './handlers/schedule.js';
import { registerTokenHandlers } from './handlers/tokens.js';
import { backupDayOf } from '../schedule/backup-day.js';
import type { AgentContext } from './context.js';
import { LocationState } from './location-state.js';
import { Publisher } from './publisher.js';
import type { AgentServer, AgentSocket } from './types.js';

import { MAX_MESSAGE_BYTES } from '../../shared/protocol/catalog.js';
export { MAX_MESSAGE_BYTES };

export interface AgentOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Overrides the configured listen address (tests use port 0). */
  readonly listen?: Listen;
  /** Builds loader adapters (tests inject fakes of hardware; the default handles VTLs). */
  readonly adapterFactory?: AdapterFactory;
  /** How long a job waiting for media or a drive sleeps between checks (default 5 s). */
  readonly jobRetryMs?: number;
  /** How often the license status is recomputed (default hourly). */
  readonly licenseCheckIntervalMs?: number;
  /** How long after the start the backup workers are warmed up for the first backup (default 3 s; agent/engine/warm-up.ts). */
  readonly warmUpAfterMs?: number;
}

const WARM_UP_DELAY_MS = 3000;

export interface RunningAgent {
  readonly host: string;
  readonly port: number;
  readonly identity: LocationIdentity;
  /** Consoles connected right now. */
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const clock = options.clock ?? (() => new Date());
  const { logger } = options;
  const paths = dataDirPaths(options.dataDir);
  const config = readConfig(paths.config);
  const tls = { key: readSecretFile(paths.tlsKey), cert: readSecretFile(paths.tlsCert) };
  const tokens = new TokenStore(paths.tokens);
  const listen = options.listen ?? config.listen;
  const fingerprint = certificateFingerprint(tls.cert);
  const identity: LocationIdentity = {
    name: config.name,
    agentId: config.agentId,
    version: AGENT_VERSION,
    host: listen.host,
    fingerprint,
  };
  const publisher = new Publisher(clock);
  const db = openCatalog(paths.catalog);
  const context: AgentContext = { config, paths, db, logger, clock, publisher };
  const devices = await DeviceService.open(context, options.adapterFactory);
  const license = new LicenseService(context, { usage: () => ({ drives: devices.listDrives().length, loaders: devices.listLoaders().length }) });
  const licenseCheck = license.startPeriodicCheck(options.licenseCheckIntervalMs);
  // Usage (drives, loaders) is part of the license status: consoles see it change with the devices.
  const usageWatch = devices.onChange(() => license.refreshUsage());
  const schedules = new ScheduleStore(db, { defaultTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const engine = new EngineService(context, devices, license, (instant) => backupDayOf(instant, schedules.backupDay()), {
    ...(options.jobRetryMs === undefined ? {} : { retryMs: options.jobRetryMs }),
  });
  const scheduling = new ScheduleService(context, schedules, engine, devices, license);
  const state = new LocationState(identity, clock(), clock, publisher, {
    devices: () => devices.state(),
    license: () => license.publishedStatus(),
    jobs: () => engine.jobs.state(),
    schedules: () => scheduling.state(),
  });

  const https: HttpsServer = createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' });
  const io: AgentServer = new Server(https, {
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    connectTimeout: 10_000,
  });
  io.use(authMiddleware(tokens, logger));
  io.on('connection', (socket: AgentSocket) => {
    logger.info({ remote: socket.handshake.address, token: socket.data.tokenId, role: socket.data.role }, 'console connected');
    registerSnapshotHandlers(socket, logger, state);
    registerDeviceHandlers(socket, logger, devices);
    registerLicenseHandlers(socket, logger, license);
    registerEngineHandlers(socket, logger, engine);
    registerScheduleHandlers(socket, logger, scheduling);
    registerTokenHandlers(socket, logger, tokens, io, clock);
    socket.on('disconnect', (reason) => logger.info({ remote: socket.handshake.address, reason }, 'console disconnected'));
    socket.emit('location:hello', { protocol: PROTOCOL_VERSION, identity, role: socket.data.role, now: clock().toISOString() });
    // A console that was here before gets the deltas it missed, if the journal still has them.
    const auth = socket.handshake.auth as { lastSeq?: number; epoch?: string };
    const gap = auth.epoch === publisher.epoch && auth.lastSeq !== undefined ? publisher.since(auth.lastSeq) : null;
    if (gap) for (const delta of gap) socket.emit('delta', delta);
    else socket.emit('snapshot', state.snapshot());
  });

  publisher.subscribe((delta) => io.emit('delta', delta));

  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen(listen.port, listen.host, () => {
      https.off('error', reject);
      resolve();
    });
  });
  const port = (https.address() as AddressInfo).port;
  writeRunFile(paths.runFile, { pid: process.pid, host: listen.host, port, fingerprint, startedAt: clock().toISOString() });
  scheduling.start();
  logger.info({ host: listen.host, port, fingerprint, name: config.name }, 'agent listening');
  // The backup workers are booted and warmed up a few seconds after the start (consoles
  // reconnecting come first), not when the first backup needs them.
  const warmUp = new AbortController();
  let warming: Promise<void> = Promise.resolve();
  const warmUpTimer = setTimeout(() => {
    warming = engine.warmUp(warmUp.signal).then(
      (done) => {
        if (done) logger.info(done, done.files > 0 ? 'backup workers warmed up' : 'backup workers not warmed up: a backup came first and starts its own');
      },
      (error: unknown) => {
        if (!warmUp.signal.aborted) logger.warn({ err: error }, 'the backup workers could not be warmed up; the first backup starts its own');
      },
    );
  }, options.warmUpAfterMs ?? WARM_UP_DELAY_MS);
  warmUpTimer.unref();

  let closing: Promise<void> | undefined;
  return {
    host: listen.host,
    port,
    identity,
    connectionCount: () => io.of('/').sockets.size,
    close() {
      closing ??= (async () => {
        removeRunFile(paths.runFile, process.pid);
        licenseCheck.dispose();
        usageWatch();
        scheduling.dispose();
        await engine.jobs.stopAll();
        clearTimeout(warmUpTimer);
        warmUp.abort();
        await warming;
        await closeIdleWorkers();
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          https.closeAllConnections();
        });
      })().then(() => {
        db.close();
        logger.info('agent stopped');
      });
      return closing;
    },
  };
}
