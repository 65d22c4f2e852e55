/**
 * A fake ConsoleApi for renderer component tests: records calls, answers them from per-call
 * handlers, and captures the bridge's topic listeners so a test can push like the console does.
 */
import { randomUUID } from 'node:crypto';
import type { ConsoleApi, LocationDetail } from '../../shared/console-api';
import type { DevicesState, Drive, Loader, LoaderElement, Media } from '../../shared/devices';
import type { LocationStatus, LocationView } from '../../shared/fleet';
import type { LicenseStatus } from '../../shared/license';
import type { FileRecord, Job, JobsState, Saveset, Task } from '../../shared/engine';
import type { CalendarRun, SchedulesState } from '../../shared/schedule';

type Handler = (args: unknown) => Promise<unknown>;

export interface FakeConsole {
  readonly api: ConsoleApi;
  readonly calls: Array<{ name: string; args: unknown }>;
  readonly handlers: Map<string, Handler>;
  /**
   * Pushes like the console does. A whole FleetView, AlarmsView, FleetSummary or LocationDetail is
   * sent as a whole-value versioned push (base null); a payload that already is a push goes as is.
   */
  push(topic: 'fleet' | 'location' | 'uiCommand' | 'alarms' | 'summary' | 'changes', payload: unknown): void;
}

let pushVersion = 0;
function asPush(topic: string, payload: unknown): unknown {
  const object = payload as Record<string, unknown>;
  if (topic === 'uiCommand') return payload;
  if (topic === 'location') return 'locations' in object && 'removed' in object ? payload : { locations: [{ id: object.id, version: ++pushVersion, base: null, patch: { r: payload } }], removed: [] };
  return 'patch' in object && 'version' in object ? payload : { version: ++pushVersion, base: null, patch: { r: payload } };
}

export function fakeConsole(): FakeConsole {
  const calls: Array<{ name: string; args: unknown }> = [];
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = new Proxy(
    {},
    {
      get(_target, name: string) {
        if (name === 'subscribe') {
          return (topic: string, listener: (payload: unknown) => void) => {
            if (listeners.has(topic)) throw new Error(`subscribed twice to ${topic}`);
            listeners.set(topic, listener);
            return () => listeners.delete(topic);
          };
        }
        if (name === 'then') return undefined;
        return (args: unknown) => {
          calls.push({ name, args });
          const handler = handlers.get(name);
          return handler ? handler(args) : new Promise(() => undefined);
        };
      },
    },
  ) as ConsoleApi;
  return {
    api,
    calls,
    handlers,
    push(topic, payload) {
      const listener = listeners.get(topic);
      if (!listener) throw new Error(`nobody subscribed to ${topic}`);
      listener(asPush(topic, payload));
    },
  };
}

export function location(name: string, status: LocationStatus = 'online', overrides: Partial<LocationView> = {}): LocationView {
  return {
    id: randomUUID(),
    name,
    host: '10.0.0.1',
    port: 7443,
    fingerprint: 'SHA256:AA:BB',
    status,
    detail: status === 'online' ? null : 'connection refused',
    lastSeen: status === 'online' ? new Date().toISOString() : new Date(Date.now() - 2 * 3600_000).toISOString(),
    agent: { name, version: '0.1.0', agentId: randomUUID() },
    ...overrides,
  };
}

export function license(status: LicenseStatus['status'], daysLeft: number, overrides: Partial<LicenseStatus> = {}): LicenseStatus {
  const now = new Date().toISOString();
  return {
    status,
    edition: status === 'trial' ? 'trial' : status === 'invalid' ? null : 'enterprise',
    modules: ['tape', 'vtl'],
    limits: { drives: 8, loaders: null, capacityTiB: null },
    usage: { drives: 2, loaders: 1 },
    licenseId: status === 'trial' ? null : 'LIC-1',
    licensee: status === 'trial' ? null : 'ACME GmbH',
    server: 'hq',
    ip: null,
    issued: now,
    expires: status === 'invalid' ? null : new Date(Date.now() + daysLeft * 86_400_000).toISOString(),
    supportExpires: null,
    daysLeft,
    trialStartedAt: now,
    lastCheck: now,
    reason: status === 'valid' ? null : `license ${status}`,
    ...overrides,
  };
}

/** A VTL-like loader: drives, `slots` storage slots (cartridge in every slot unless `emptySlots`), I/E slots. */
export function vtl(name: string, slots: number, options: { drives?: number; ie?: number; emptySlots?: readonly number[]; mismatches?: Loader['mismatches'] } = {}): { loader: Loader; drives: Drive[] } {
  const driveCount = options.drives ?? 2;
  const ieCount = options.ie ?? 2;
  const empty = new Set(options.emptySlots ?? []);
  const elements: LoaderElement[] = [];
  for (let n = 0; n < driveCount; n += 1) elements.push({ kind: 'drive', number: n, full: false, barcode: null, homeSlot: null });
  for (let n = 1; n <= slots; n += 1) elements.push({ kind: 'slot', number: n, full: !empty.has(n), barcode: empty.has(n) ? null : `FLO${String(n).padStart(3, '0')}`, homeSlot: null });
  for (let n = slots + 1; n <= slots + ieCount; n += 1) elements.push({ kind: 'ie', number: n, full: false, barcode: null, homeSlot: null });
  const loader: Loader = { name, kind: 'vtl', device: `/var/lib/floe/${name}`, drives: driveCount, slots, ieSlots: ieCount, elements, inventoryAt: new Date(Date.now() - 3 * 60_000).toISOString(), mismatches: options.mismatches ?? [] };
  const drives: Drive[] = Array.from({ length: driveCount }, (_, n) => ({ loader: name, number: n, kind: 'virtual', device: `/var/lib/floe/${name}/drive${n}`, state: 'idle', barcode: null, media: null, job: null, progress: null, detail: null }));
  return { loader, drives };
}

export function media(label: string, barcode: string | null, overrides: Partial<Media> = {}): Media {
  return {
    label,
    barcode,
    pool: label.replace(/\d{5}$/, ''),
    capacity: 100 * 1024 * 1024,
    used: 25 * 1024 * 1024,
    state: 'append',
    writeProtected: false,
    firstWriteDay: null,
    lockedUntil: null,
    location: { kind: 'outside' },
    labeledAt: new Date().toISOString(),
    ...overrides,
  };
}

export function detail(id: string, devices: DevicesState | null, licenseStatus: LicenseStatus | null = license('valid', 200), seq = 1): LocationDetail {
  return { id, seq, devices, license: licenseStatus, jobs: null, schedules: null };
}

/** jsdom has no layout: give every element a size so the virtualisers render a window of rows. */
export function giveElementsASize(width = 1200, height = 600): void {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => width });
}

let jobNumber = 0;
/** A job as the agent reports it (a finished full backup of "home" unless overridden). */
export function job(overrides: Partial<Job> = {}): Job {
  jobNumber += 1;
  const ended = new Date(Date.now() - jobNumber * 60_000).toISOString();
  return {
    id: `job-${jobNumber}`,
    kind: 'backup',
    task: 'home',
    type: 'full',
    state: 'successful',
    queuedAt: ended,
    startedAt: ended,
    endedAt: ended,
    backupDay: ended.slice(0, 10),
    bytes: 1024 * 1024,
    files: 10,
    rate: 0,
    currentFile: null,
    saveset: null,
    drive: null,
    message: null,
    ...overrides,
  };
}

export function saveset(overrides: Partial<Saveset> = {}): Saveset {
  return {
    id: `S-${Math.random().toString(36).slice(2, 10)}`,
    task: 'home',
    type: 'full',
    status: 'successful',
    started: '2026-11-20T22:00:00.000Z',
    ended: '2026-11-20T22:10:00.000Z',
    backupDay: '2026-11-20',
    bytes: 5 * 1024 * 1024,
    files: 42,
    compress: 'none',
    base: null,
    media: ['DAILY00001'],
    ...overrides,
  };
}

export function fileRecord(path: string, type: FileRecord['type'] = 'file', overrides: Partial<FileRecord> = {}): FileRecord {
  return { path, name: path.split('/').at(-1) ?? path, type, size: type === 'file' ? 1234 : 0, mtime: 1_763_900_000, mode: 0o644, uid: 0, gid: 0, checksum: null, linkTarget: null, deleted: false, ...overrides };
}

export function task(name: string, sources: string[]): Task {
  return { name, sources, excludes: [], pool: 'DAILY', compress: 'none', hooks: false, backupOnPreError: false };
}

export function calendarRun(overrides: Partial<CalendarRun> & Pick<CalendarRun, 'id' | 'backupDay'>): CalendarRun {
  return {
    kind: 'past',
    jobId: null,
    task: 'home',
    schedule: null,
    type: 'full',
    status: 'successful',
    start: `${overrides.backupDay}T22:00:00.000Z`,
    end: `${overrides.backupDay}T23:00:00.000Z`,
    bytes: null,
    drive: { loader: 'lib1', number: 0 },
    overlaps: [],
    ...overrides,
  };
}

export function schedulesState(backupDay: string, overrides: Partial<SchedulesState> = {}): SchedulesState {
  return { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay, lastCheck: null, ...overrides };
}

/** A location detail with the engine's parts (jobs and schedules). */
export function engineDetail(id: string, jobs: JobsState | null, schedules: SchedulesState | null = schedulesState('2026-11-23'), seq = 1, licenseStatus: LicenseStatus | null = license('valid', 200)): LocationDetail {
  return { id, seq, devices: { loaders: [], drives: [], media: [], pools: [] }, license: licenseStatus, jobs, schedules };
}
