/** Fleet-wide aggregates from the replicas: jobs by state, running jobs, drive and media use, licenses. */
import type { FleetSummary, LocationSummary } from '../../shared/fleet-summary.js';
import type { FleetView } from '../../shared/fleet.js';
import type { ReplicaState } from './location-replica.js';

export function summarizeFleet(fleet: FleetView, replicaOf: (id: string) => ReplicaState | null): FleetSummary {
  const jobsByState: FleetSummary['jobsByState'] = {};
  const licenses: FleetSummary['licenses'] = {};
  const running: FleetSummary['running'] = [];
  const locations: LocationSummary[] = fleet.locations.map((location) => {
    const replica = replicaOf(location.id);
    const jobs = replica ? [...replica.jobs.active, ...replica.jobs.recent] : [];
    for (const job of jobs) jobsByState[job.state] = (jobsByState[job.state] ?? 0) + 1;
    for (const job of replica?.jobs.active ?? []) if (job.state === 'running') running.push({ ...job, locationId: location.id, location: location.name });
    const backupDay = replica?.schedules.backupDay ?? null;
    const media = { scratch: 0, append: 0, full: 0, other: 0 };
    let capacity = 0;
    let used = 0;
    for (const item of replica?.devices.media ?? []) {
      if (item.state === 'scratch' || item.state === 'append' || item.state === 'full') media[item.state] += 1;
      else media.other += 1;
      capacity += item.capacity;
      used += item.used;
    }
    const drives = replica?.devices.drives ?? [];
    if (replica) licenses[replica.license.status] = (licenses[replica.license.status] ?? 0) + 1;
    return {
      id: location.id,
      name: location.name,
      running: replica?.jobs.active.filter((job) => job.state === 'running').length ?? 0,
      waitingForMedia: replica?.jobs.active.filter((job) => job.state === 'waiting-media').length ?? 0,
      failedToday: replica?.jobs.recent.filter((job) => job.state === 'error' && job.backupDay === backupDay).length ?? 0,
      backupDay,
      drivesBusy: drives.filter((drive) => drive.job !== null).length,
      drives: drives.length,
      media,
      capacity,
      used,
      license: replica ? { status: replica.license.status, daysLeft: replica.license.daysLeft, expires: replica.license.expires } : null,
    };
  });
  return { locations, jobsByState, running, licenses };
}
