/**
 * The console's copy of one location's state: the last snapshot with every delta applied in `seq`
 * order. A duplicate is ignored; a gap means something was missed, so the caller asks for a
 * fresh snapshot instead of guessing.
 */
import { applyDevicesChange, type DevicesState } from '../../shared/devices.js';
import type { LicenseStatus } from '../../shared/license.js';
import { applyJobsChange, type JobsState } from '../../shared/engine.js';
import type { SchedulesState } from '../../shared/schedule.js';
import type { Delta, Snapshot } from '../../shared/protocol/catalog.js';

export interface ReplicaState {
  readonly seq: number;
  readonly devices: DevicesState;
  readonly license: LicenseStatus;
  readonly jobs: JobsState;
  readonly schedules: SchedulesState;
}

export type DeltaOutcome = 'applied' | 'duplicate' | 'gap' | 'no-snapshot';


export class LocationReplica {
  private current: ReplicaState | null = null;

  get state(): ReplicaState | null {
    return this.current;
  }

  applySnapshot(snapshot: Snapshot): void {
    this.current = { seq: snapshot.seq, devices: snapshot.devices, license: snapshot.license, jobs: snapshot.jobs, schedules: snapshot.schedules };
  }

  applyDelta(delta: Delta): DeltaOutcome {
    const current = this.current;
    if (!current) return 'no-snapshot';
    if (delta.seq <= current.seq) return 'duplicate';
    if (delta.seq !== current.seq + 1) return 'gap';
    const { change } = delta;
    // Written out rather than spread: one of these is built per delta.
    const { devices, license, jobs, schedules } = current;
    switch (change.domain) {
      case 'devices':
        this.current = { seq: delta.seq, devices: applyDevicesChange(devices, change.change), license, jobs, schedules };
        break;
      case 'license':
        this.current = { seq: delta.seq, devices, license: change.change.status, jobs, schedules };
        break;
      case 'schedules':
        this.current = { seq: delta.seq, devices, license, jobs, schedules: change.change.state };
        break;
      case 'jobs':
        this.current = { seq: delta.seq, devices, license, jobs: applyJobsChange(jobs, change.change), schedules };
        break;
    }
    return 'applied';
  }

  reset(): void {
    this.current = null;
  }
}

