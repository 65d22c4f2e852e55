/**
 * The devices of a location: loaders with their drives, pools and media. Every operation runs in
 * its loader's queue, checks its preconditions against the inventory first (clear refusals change
 * nothing), re-reads the changer afterwards, and publishes each changed object as a delta.
 */
import { join } from 'node:path';
import { FloeError } from '../../shared/errors.js';
export type { Mount } from './adapters.js';
import { isCleaningBarcode, type DevicesChange, type DevicesState, type Drive, type Loader, type Media, type MediaLocation, type Pool } from '../../shared/devices.js';
import type { LoaderCreate } from '../../shared/protocol/devices.js';
import type { AgentContext } from '../server/context.js';
import { deviceFailure, isDataIo, type Mount } from './adapters.js';
import { chooseLabel, makePool } from './labels.js';
import { defaultAdapterFactory, findMismatches, LoaderRuntime, type AdapterFactory } from './loader-runtime.js';
import { DeviceStore } from './store.js';
import { createLibrary } from './vtl/create-library.js';

export class DeviceService {
  private readonly loaders = new Map<string, LoaderRuntime>();
  readonly store: DeviceStore;

  private constructor(
    private readonly ctx: AgentContext,
    private readonly adapterFactory: AdapterFactory,
  ) {
    this.store = new DeviceStore(ctx.db);
  }

  static async open(ctx: AgentContext, adapterFactory: AdapterFactory = defaultAdapterFactory): Promise<DeviceService> {
    const service = new DeviceService(ctx, adapterFactory);
    for (const row of service.store.loaders()) {
      let runtime: LoaderRuntime;
      try {
        runtime = new LoaderRuntime(row.name, row.kind, adapterFactory(row, ctx.paths.vtlDir));
      } catch (error) {
        ctx.logger.error({ loader: row.name, err: error }, 'loader cannot be opened; it is left out until the agent restarts');
        continue;
      }
      // A changer that does not answer stays listed, its drives offline, until an inventory refresh succeeds.
      service.loaders.set(row.name, runtime);
      try {
        await service.readInventory(runtime);
        service.syncMediaLocations(runtime);
      } catch (error) {
        ctx.logger.error({ loader: row.name, err: error }, 'loader unavailable at start');
      }
    }
    return service;
  }

  state(): DevicesState {
    const runtimes = [...this.loaders.values()];
    return {
      loaders: runtimes.map((runtime) => runtime.view()),
      drives: runtimes.flatMap((runtime) => runtime.driveStates.map((_, n) => this.driveView(runtime, n))),
      media: this.store.media(),
      pools: this.store.pools(),
    };
  }

  listLoaders(): Loader[] {
    return [...this.loaders.values()].map((runtime) => runtime.view());
  }

  listDrives(): Drive[] {
    return this.state().drives;
  }

  async createLoader(args: LoaderCreate): Promise<Loader> {
    if (this.loaders.has(args.name) || this.store.loaders().some((row) => row.name === args.name)) {
      throw new FloeError('CONFLICT', `a loader named ${args.name} already exists`);
    }
    const now = this.ctx.clock();
    let config: unknown;
    if (args.kind === 'vtl') {
      createLibrary(join(this.ctx.paths.vtlDir, args.name), { ...args, cleaning: 0 }, now);
      config = { drives: args.drives, slots: args.slots, ieSlots: args.ieSlots };
    } else {
      config = { device: args.device, tapeDrives: args.tapeDrives, mtxCommand: args.mtxCommand ?? 'mtx', mtCommand: args.mtCommand ?? 'mt' };
    }
    const row = { name: args.name, kind: args.kind, config };
    const runtime = new LoaderRuntime(args.name, args.kind, this.adapterFactory(row, this.ctx.paths.vtlDir));
    await this.readInventory(runtime); // an unreachable changer is refused before anything is stored
    this.store.addLoader(args.name, args.kind, config, now);
    this.store.setExpected(args.name, runtime.elements);
    this.loaders.set(args.name, runtime);
    this.publishLoader(runtime, { withDrives: true });
    this.syncMediaLocations(runtime);
    return runtime.view();
  }

  async removeLoader(name: string): Promise<void> {
    const runtime = this.runtime(name);
    if (runtime.inUse) throw new FloeError('BUSY', `loader ${name} is in use (an operation or a job on one of its drives); try again when it is idle`);
    this.loaders.delete(name);
    this.store.removeLoader(name);
    for (const media of this.store.media()) {
      if ('loader' in media.location && media.location.loader === name) this.updateMediaLocation(media, { kind: 'outside' });
    }
    this.publish({ kind: 'loader-removed', name });
  }

  inventory(name: string, refresh: boolean): Promise<Loader> {
    const runtime = this.runtime(name);
    if (!refresh) return Promise.resolve(runtime.view());
    return runtime.exclusive(async () => {
      await this.readInventory(runtime);
      this.publishLoader(runtime, { withDrives: true });
      this.syncMediaLocations(runtime);
      return runtime.view();
    });
  }

  load(loader: string, slot: number, drive: number): Promise<Drive> {
    const runtime = this.runtime(loader);
    return runtime.exclusive(async () => {
      runtime.requireIdleDrive(drive);
      runtime.requireEmptyDrive(drive);
      runtime.requireFullSlot(slot);
      await this.move(runtime, drive, 'loading', async () => {
        await runtime.adapters.changer.load(slot, drive);
        await runtime.adapters.drives[drive]?.ready();
      }, [slot], [drive]);
      return this.driveView(runtime, drive);
    });
  }

  unload(loader: string, drive: number, slot?: number): Promise<Drive> {
    const runtime = this.runtime(loader);
    return runtime.exclusive(async () => {
      runtime.requireIdleDrive(drive);
      const element = runtime.element('drive', drive);
      if (!element?.full) throw new FloeError('CONFLICT', `drive ${drive} of ${loader} is empty`);
      const target = slot ?? runtime.homeOrFreeSlot(element.homeSlot);
      runtime.requireEmptySlot(target);
      await this.move(runtime, drive, 'unloading', async () => {
        await runtime.adapters.drives[drive]?.release();
        await runtime.adapters.changer.unload(drive, target);
      }, [target], [drive]);
      return this.driveView(runtime, drive);
    });
  }

  transfer(loader: string, from: number, to: number): Promise<Loader> {
    const runtime = this.runtime(loader);
    return runtime.exclusive(async () => {
      runtime.requireFullSlot(from);
      runtime.requireEmptySlot(to);
      await this.move(runtime, null, null, () => runtime.adapters.changer.transfer(from, to), [from, to], []);
      return runtime.view();
    });
  }

  importCartridge(loader: string, from?: number, to?: number): Promise<Loader> {
    const runtime = this.runtime(loader);
    const source = from ?? runtime.elements.find((element) => element.kind === 'ie' && element.full)?.number;
    if (source === undefined) throw new FloeError('CONFLICT', `no import/export slot of ${loader} holds a cartridge to import`);
    if (runtime.slotElement(source)?.kind !== 'ie') throw new FloeError('BAD_REQUEST', `element ${source} of ${loader} is not an import/export slot`);
    const target = to ?? runtime.freeElement('slot');
    if (runtime.slotElement(target)?.kind !== 'slot') throw new FloeError('BAD_REQUEST', `element ${target} of ${loader} is not a storage slot`);
    return this.transfer(loader, source, target);
  }

  exportCartridge(loader: string, from: number, to?: number): Promise<Loader> {
    const runtime = this.runtime(loader);
    if (runtime.slotElement(from)?.kind !== 'slot') throw new FloeError('BAD_REQUEST', `element ${from} of ${loader} is not a storage slot`);
    const target = to ?? runtime.freeElement('ie');
    if (runtime.slotElement(target)?.kind !== 'ie') throw new FloeError('BAD_REQUEST', `element ${target} of ${loader} is not an import/export slot`);
    return this.transfer(loader, from, target);
  }

  /** Loads a cleaning cartridge into the drive, returns it to its slot, and counts its use. */
  clean(loader: string, drive: number): Promise<{ drive: Drive; cleaningBarcode: string; uses: number }> {
    const runtime = this.runtime(loader);
    return runtime.exclusive(async () => {
      runtime.requireIdleDrive(drive);
      runtime.requireEmptyDrive(drive);
      const cartridge = runtime.elements.find((element) => element.kind !== 'drive' && element.full && isCleaningBarcode(element.barcode));
      if (!cartridge?.barcode) throw new FloeError('CONFLICT', `${loader} holds no cleaning cartridge (barcode CLN…); import one first`);
      const slot = cartridge.number;
      await this.move(runtime, drive, 'busy', async () => {
        await runtime.adapters.changer.load(slot, drive);
        await runtime.adapters.changer.unload(drive, slot);
      }, [slot], [drive]);
      const uses = this.store.countCleaning(cartridge.barcode, this.ctx.clock());
      return { drive: this.driveView(runtime, drive), cleaningBarcode: cartridge.barcode, uses };
    });
  }

  addPool(args: Parameters<typeof makePool>[0]): Pool {
    if (this.store.pools().some((pool) => pool.name === args.name)) throw new FloeError('CONFLICT', `pool ${args.name} already exists`);
    const pool = makePool(args);
    this.store.addPool(pool);
    this.publish({ kind: 'pool', pool });
    return pool;
  }

  listMedia(pool?: string): Media[] {
    return this.store.media().filter((media) => pool === undefined || media.pool === pool);
  }

  /**
   * Writes a label as file 0 of the cartridge in `slot`: loads it into a free drive, checks what it
   * holds, writes, and puts it back. Media holding data is relabelled only with `force`.
   */
  label(args: { loader: string; slot: number; pool: string; label?: string; force?: boolean }): Promise<Media> {
    const runtime = this.runtime(args.loader);
    const pool = this.store.pools().find((candidate) => candidate.name === args.pool);
    if (!pool) throw new FloeError('NOT_FOUND', `pool ${args.pool} does not exist; create it with: floe-agent pool add --name ${args.pool}`);
    return runtime.exclusive(async () => {
      const element = runtime.requireFullSlot(args.slot);
      if (isCleaningBarcode(element.barcode)) throw new FloeError('BAD_REQUEST', `slot ${args.slot} holds cleaning cartridge ${element.barcode}`);
      const label = chooseLabel(pool, args.label, this.store.labelsInPool(pool.name));
      const holder = this.store.mediaByLabel(label);
      if (holder && holder.barcode !== element.barcode) {
        throw new FloeError('CONFLICT', `label ${label} is already in use on ${holder.barcode ?? 'a cartridge without barcode'}`);
      }
      const previous = element.barcode ? this.store.mediaByBarcode(element.barcode) : undefined;
      if (previous && previous.state !== 'scratch' && !args.force) {
        throw new FloeError('CONFLICT', `the cartridge in slot ${args.slot} is ${previous.label} (${previous.state}); relabelling destroys its data: add --force`);
      }
      const drive = runtime.driveStates.findIndex((state, n) => state.state === 'idle' && state.job === null && !runtime.element('drive', n)?.full);
      if (drive < 0) throw new FloeError('BUSY', `no free drive in ${args.loader} to label with; unload one first`);
      const io = runtime.adapters.drives[drive];
      if (!io) throw new FloeError('INTERNAL', `drive ${drive} has no adapter`);
      let media: Media | undefined;
      await this.move(runtime, drive, 'busy', async () => {
        await runtime.adapters.changer.load(args.slot, drive);
        try {
          await io.ready();
          const onMedia = await io.readLabel();
          const known = onMedia ? this.store.mediaByLabel(onMedia.label) : undefined;
          if (known && known.state !== 'scratch' && !args.force) {
            throw new FloeError('CONFLICT', `the cartridge in slot ${args.slot} carries label ${known.label} (${known.state}); relabelling destroys its data: add --force`);
          }
          const now = this.ctx.clock().toISOString();
          await io.writeLabel({ label, pool: pool.name, barcode: element.barcode, labeledAt: now, agentId: this.ctx.config.agentId });
          media = {
            label,
            barcode: element.barcode,
            pool: pool.name,
            capacity: runtime.adapters.defaultCapacity,
            used: 0,
            state: 'scratch',
            writeProtected: false,
            firstWriteDay: null,
            lockedUntil: null,
            location: { kind: 'slot', loader: args.loader, element: args.slot },
            labeledAt: now,
          };
        } finally {
          await io.release();
          await runtime.adapters.changer.unload(drive, args.slot);
        }
      }, [args.slot], [drive]);
      if (!media) throw new FloeError('INTERNAL', 'labelling ended without a label');
      if (previous && previous.label !== label) this.publishMediaRemoved(previous);
      this.store.putMedia(media);
      this.publish({ kind: 'media', media });
      return media;
    });
  }

  // ── jobs: media and drives for backups and restores ─────────────────────────────────────────

  /** Labelled media of `pool` a backup can write to: appendable first (unless the pool always starts new media), then scratch. */
  mediaForWrite(poolName: string, exclude: ReadonlySet<string>): Media[] {
    const pool = this.store.pools().find((candidate) => candidate.name === poolName);
    if (!pool) throw new FloeError('NOT_FOUND', `pool ${poolName} does not exist`);
    const usable = this.store.media().filter((media) => media.pool === poolName && !exclude.has(media.label) && !media.writeProtected && media.location.kind !== 'outside');
    const append = pool.allocation === 'continue' ? usable.filter((media) => media.state === 'append') : [];
    const scratch = usable.filter((media) => media.state === 'scratch');
    return [...append, ...scratch];
  }

  /**
   * Puts media into a drive for a job and reserves the drive: the media's drive if it sits in an
   * idle one, else a free drive of its loader. Null when no drive is free now (the job waits).
   */
  mount(job: string, label: string): Promise<Mount | null> {
    const located = this.store.mediaByLabel(label);
    if (!located || located.location.kind === 'outside') throw new FloeError('NOT_FOUND', `media ${label} is not in any loader; import it first`);
    const runtime = this.runtime(located.location.loader);
    return runtime.exclusive(async () => {
      // Where the cartridge is now, by the changer's own inventory: an operation queued before this
      // one, or a crash between a move and its catalog update, may have moved it.
      const barcode = located.barcode;
      const element = barcode === null ? undefined : runtime.elements.find((candidate) => candidate.full && candidate.barcode === barcode);
      if (!element) throw new FloeError('NOT_FOUND', `media ${label} (${barcode ?? 'no barcode'}) is not in loader ${runtime.name}; refresh its inventory or import it`);
      let drive: number;
      if (element.kind === 'drive') {
        drive = element.number;
        if (runtime.driveStates[drive]?.job) return null;
      } else {
        drive = runtime.driveStates.findIndex((state, n) => state.job === null && !runtime.element('drive', n)?.full);
        if (drive < 0) return null;
        const slot = element.number;
        await this.move(runtime, drive, 'loading', () => runtime.adapters.changer.load(slot, drive), [slot], [drive]);
      }
      const io = runtime.adapters.drives[drive];
      if (!io || !isDataIo(io)) throw new FloeError('DEVICE_FAILED', `drive ${drive} of ${runtime.name} cannot read or write saveset data`);
      await io.ready();
      const state = runtime.driveStates[drive];
      if (state) Object.assign(state, { job, state: 'busy', progress: null, detail: null });
      this.publishDrive(runtime, drive);
      return { loader: runtime.name, drive, label, io };
    });
  }

  /** Returns the media to its slot and frees the drive. */
  unmount(mount: Mount): Promise<void> {
    const runtime = this.runtime(mount.loader);
    return runtime.exclusive(async () => {
      const state = runtime.driveStates[mount.drive];
      if (state) Object.assign(state, { job: null, state: 'idle', progress: null });
      const element = runtime.element('drive', mount.drive);
      if (!element?.full) return;
      const target = runtime.homeOrFreeSlot(element.homeSlot);
      await this.move(runtime, mount.drive, 'unloading', async () => {
        await mount.io.release();
        await runtime.adapters.changer.unload(mount.drive, target);
      }, [target], [mount.drive]);
    });
  }

  setDriveProgress(mount: Mount, progress: number | null): void {
    const runtime = this.runtime(mount.loader);
    const state = runtime.driveStates[mount.drive];
    if (!state) return;
    state.progress = progress === null ? null : Math.max(0, Math.min(1, progress));
    this.publishDrive(runtime, mount.drive);
  }

  /** Records what a committed saveset wrote on a medium; runs inside the catalog commit's transaction, so publish after it. */
  recordWrite(label: string, bytes: number, full: boolean, backupDay: string, now: Date): Media | null {
    const media = this.store.mediaByLabel(label);
    if (!media) return null;
    const pool = this.store.pools().find((candidate) => candidate.name === media.pool);
    const lock = new Date(now.getTime() + (pool?.retentionDays ?? 0) * 86_400_000).toISOString();
    const next: Media = {
      ...media,
      used: media.used + bytes,
      state: full ? 'full' : 'append',
      firstWriteDay: media.firstWriteDay ?? backupDay,
      lockedUntil: media.lockedUntil && media.lockedUntil > lock ? media.lockedUntil : lock,
    };
    this.store.putMedia(next);
    return next;
  }

  publishMedia(media: ReadonlyArray<Media | null>): void {
    for (const item of media) if (item) this.publish({ kind: 'media', media: item });
  }

  /** Calls `listener` after every device change (jobs waiting for media retry then). */
  onChange(listener: () => void): () => void {
    return this.ctx.publisher.subscribe((delta) => {
      if (delta.change.domain === 'devices') listener();
    });
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  private runtime(name: string): LoaderRuntime {
    const runtime = this.loaders.get(name);
    if (!runtime) throw new FloeError('NOT_FOUND', `no loader named ${name}; see: floe-agent loader list`);
    return runtime;
  }

  /** Reads the changer; when it does not answer, its drives show `offline` with the reason until a read succeeds. */
  private async readInventory(runtime: LoaderRuntime): Promise<void> {
    try {
      runtime.elements = await runtime.adapters.changer.status();
    } catch (error) {
      const failure = deviceFailure(error, `reading the inventory of ${runtime.name}`);
      for (const drive of runtime.driveStates) if (drive.job === null) Object.assign(drive, { state: 'offline', detail: failure.message });
      throw failure;
    }
    for (const drive of runtime.driveStates) if (drive.state === 'offline') Object.assign(drive, { state: 'idle', detail: null });
    runtime.inventoryAt = this.ctx.clock().toISOString();
    runtime.mismatches = findMismatches(runtime.elements, this.store.expectedElements(runtime.name));
  }

  /**
   * Runs a changer move with the drive in `state`, then re-reads the inventory and records the
   * touched elements as expected. On failure the drive shows the reason and the inventory is re-read.
   */
  private async move(runtime: LoaderRuntime, drive: number | null, state: Drive['state'] | null, act: () => Promise<void>, slots: number[], drives: number[]): Promise<void> {
    const driveState = drive === null ? undefined : runtime.driveStates[drive];
    if (driveState && state) {
      driveState.state = state;
      driveState.detail = null;
      this.publishDrive(runtime, drive ?? 0);
    }
    let failure: FloeError | undefined;
    try {
      await act();
    } catch (error) {
      failure = deviceFailure(error, `${runtime.name}`);
      if (driveState) driveState.detail = failure.message;
      throw failure;
    } finally {
      // A hardware failure leaves the drive in `error` with the reason; the next successful operation clears it.
      if (driveState) driveState.state = failure?.code === 'DEVICE_FAILED' ? 'error' : 'idle';
      await this.readInventory(runtime).catch((error: unknown) => this.ctx.logger.error({ err: error, loader: runtime.name }, 'inventory after a move failed'));
      const touched = runtime.elements.filter((element) => (element.kind === 'drive' ? drives.includes(element.number) : slots.includes(element.number)));
      this.store.setExpected(runtime.name, touched);
      runtime.mismatches = findMismatches(runtime.elements, this.store.expectedElements(runtime.name));
      this.publishLoader(runtime, { withDrives: true });
      this.syncMediaLocations(runtime);
    }
  }

  private driveView(runtime: LoaderRuntime, drive: number): Drive {
    return runtime.driveView(drive, (barcode) => this.store.mediaByBarcode(barcode)?.label ?? null);
  }

  /** Media whose cartridge moved (or left the loader) get their new location. */
  private syncMediaLocations(runtime: LoaderRuntime): void {
    for (const media of this.store.media()) {
      const found = media.barcode === null ? undefined : runtime.elements.find((element) => element.full && element.barcode === media.barcode);
      let location: MediaLocation | null = null;
      if (found) {
        location =
          found.kind === 'drive'
            ? { kind: 'drive', loader: runtime.name, drive: found.number }
            : { kind: found.kind, loader: runtime.name, element: found.number };
      } else if ('loader' in media.location && media.location.loader === runtime.name && media.barcode !== null) {
        location = { kind: 'outside' };
      }
      if (location && JSON.stringify(location) !== JSON.stringify(media.location)) this.updateMediaLocation(media, location);
    }
  }

  private updateMediaLocation(media: Media, location: MediaLocation): void {
    this.store.setMediaLocation(media.label, location);
    this.publish({ kind: 'media', media: { ...media, location } });
  }

  private publishMediaRemoved(media: Media): void {
    this.ctx.logger.info({ label: media.label, barcode: media.barcode }, 'label replaced');
    this.publish({ kind: 'media-removed', label: media.label });
  }

  private publishLoader(runtime: LoaderRuntime, options: { withDrives: boolean }): void {
    this.publish({ kind: 'loader', loader: runtime.view() });
    if (options.withDrives) runtime.driveStates.forEach((_, n) => this.publishDrive(runtime, n));
  }

  private publishDrive(runtime: LoaderRuntime, drive: number): void {
    this.publish({ kind: 'drive', drive: this.driveView(runtime, drive) });
  }

  private publish(change: DevicesChange): void {
    this.ctx.publisher.publish({ domain: 'devices', change });
  }
}
