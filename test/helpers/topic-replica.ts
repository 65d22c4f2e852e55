/**
 * Follows the console core's versioned topics the way the renderer does, so tests can compare what
 * the pushes rebuild with what the core holds.
 */
import type { ConsoleService, LocationDetail, LocationsPush, VersionedTopicName, VersionedTopicValues } from '../../shared/console-api.js';
import { applyPatch, TopicFollower, type VersionedPush } from '../../shared/topic-patch.js';

export interface FollowedTopic<K extends VersionedTopicName> {
  readonly pushes: VersionedPush[];
  value(): VersionedTopicValues[K] | undefined;
  readonly follower: TopicFollower<VersionedTopicValues[K]>;
  stop(): void;
}

/** Subscribes to a versioned topic; a gap fails loudly (in-process pushes are never lost). */
export function followTopic<K extends VersionedTopicName>(service: ConsoleService, topic: K): FollowedTopic<K> {
  const follower = new TopicFollower<VersionedTopicValues[K]>();
  const pushes: VersionedPush[] = [];
  const stop = service.onTopic(topic, (push) => {
    pushes.push(push);
    const outcome = follower.follow(push);
    if (outcome === 'gap') throw new Error(`${topic}: push ${push.version} on ${push.base} does not follow ${follower.version}`);
  });
  return { pushes, follower, value: () => follower.value, stop };
}

export interface FollowedLocations {
  readonly pushes: LocationsPush[];
  readonly details: Map<string, LocationDetail>;
  readonly versions: Map<string, number>;
  stop(): void;
}

/** Subscribes to the `location` topic before any location exists, so every member starts with a whole detail. */
export function followLocations(service: ConsoleService): FollowedLocations {
  const details = new Map<string, LocationDetail>();
  const versions = new Map<string, number>();
  const pushes: LocationsPush[] = [];
  /** A member first seen as a patch (another reader read it first: it is not pushed whole then) is fetched, as the renderer does. */
  const fetchWhole = (id: string): void => {
    void service.getLocationDetail({ id }).then(({ version, ...detail }) => {
      if (version === undefined || (versions.get(id) ?? 0) >= version) return;
      details.set(id, detail as LocationDetail);
      versions.set(id, version);
    });
  };
  const stop = service.onTopic('location', (push) => {
    pushes.push(push);
    for (const member of push.locations) {
      const held = versions.get(member.id);
      if (member.base !== null && held === undefined) {
        fetchWhole(member.id);
        continue;
      }
      if (member.base !== null && member.base !== held) throw new Error(`location ${member.id}: push ${member.version} on ${member.base} does not follow ${held}`);
      details.set(member.id, applyPatch(details.get(member.id) as LocationDetail, member.patch));
      versions.set(member.id, member.version);
    }
    for (const id of push.removed) {
      details.delete(id);
      versions.delete(id);
    }
  });
  return { pushes, details, versions, stop };
}
