/** The location's state as the console sees it: a snapshot as of the publisher's current `seq`. */
import type { DevicesState } from '../../shared/devices.js';
import type { LicenseStatus } from '../../shared/license.js';
import type { JobsState } from '../../shared/engine.js';
import type { SchedulesState } from '../../shared/schedule.js';
import type { LocationIdentity, Snapshot } from '../../shared/protocol/catalog.js';
import type { Publisher } from './publisher.js';

/** Each domain contributes its section of the snapshot. */
export interface SnapshotSections {
  devices(): DevicesState;
  license(): LicenseStatus;
  jobs(): JobsState;
  schedules(): SchedulesState;
}

export class LocationState {
  constructor(
    readonly identity: LocationIdentity,
    private readonly startedAt: Date,
    private readonly clock: () => Date,
    private readonly publisher: Publisher,
    private readonly sections: SnapshotSections,
  ) {}

  snapshot(): Snapshot {
    return {
      seq: this.publisher.currentSeq,
      epoch: this.publisher.epoch,
      takenAt: this.clock().toISOString(),
      identity: this.identity,
      startedAt: this.startedAt.toISOString(),
      devices: this.sections.devices(),
      license: this.sections.license(),
      jobs: this.sections.jobs(),
      schedules: this.sections.schedules(),
    };
  }
}
