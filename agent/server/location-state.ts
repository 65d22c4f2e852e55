/** The location's state as the console sees it: a snapshot with a monotonically increasing `seq`. */
import type { LocationIdentity, Snapshot } from '../../shared/protocol/catalog.js';

export class LocationState {
  private seq = 0;

  constructor(
    readonly identity: LocationIdentity,
    private readonly startedAt: Date,
    private readonly clock: () => Date,
  ) {}

  snapshot(): Snapshot {
    return {
      seq: this.seq,
      takenAt: this.clock().toISOString(),
      identity: this.identity,
      startedAt: this.startedAt.toISOString(),
    };
  }
}
