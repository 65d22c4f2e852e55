/**
 * Fleet-wide search (ConsoleApi `search`): locations, media labels and the task names the replicas
 * know are matched at once; the online agents are asked for their tasks and savesets within a
 * bounded time (answers kept briefly, so typing does not ask again on every key).
 */
import type { Saveset, Task } from '../../shared/engine.js';
import type { LocationView } from '../../shared/fleet.js';
import { STATUS_WORDS } from '../../shared/fleet.js';
import { DEFAULT_SEARCH_HITS, matchRank, SEARCH_GROUPS, type SearchGap, type SearchGroup, type SearchHit, type SearchHitKind, type SearchResult } from '../../shared/fleet-search.js';
import { fanOut } from './fan-out.js';
import type { ReplicaState } from './location-replica.js';

export interface FleetSearchSources {
  locations(): readonly LocationView[];
  replica(id: string): ReplicaState | null;
  listTasks(id: string, timeoutMs: number): Promise<Task[]>;
  listSavesets(id: string, timeoutMs: number): Promise<Saveset[]>;
}

export interface FleetSearchOptions {
  /** How long the agents may take, all together (default 2.5 s). */
  readonly timeoutMs?: number;
  /** How long an agent's task and saveset lists are reused (default 10 s). */
  readonly cacheMs?: number;
}

interface Ranked {
  readonly rank: number;
  readonly text: string;
  readonly hit: SearchHit;
}

interface AgentLists {
  readonly at: number;
  /** Savesets change when a backup ends: the newest finished job id tells. */
  readonly jobsKey: string;
  readonly tasks: Task[];
  readonly savesets: Saveset[];
}

const best = (...ranks: Array<number | null>): number | null => ranks.reduce<number | null>((low, rank) => (rank === null ? low : low === null ? rank : Math.min(low, rank)), null);

function capped(found: Ranked[], limit: number): SearchGroup {
  found.sort((a, b) => a.rank - b.rank || a.text.localeCompare(b.text) || a.hit.location.localeCompare(b.hit.location));
  return { hits: found.slice(0, limit).map((item) => item.hit), total: found.length };
}

export function createFleetSearch(sources: FleetSearchSources, options: FleetSearchOptions = {}) {
  const cache = new Map<string, AgentLists>();
  const cacheMs = options.cacheMs ?? 10_000;

  const listsOf = async (location: LocationView, timeoutMs: number): Promise<AgentLists> => {
    const jobsKey = sources.replica(location.id)?.jobs.recent[0]?.id ?? '';
    const cached = cache.get(location.id);
    if (cached && Date.now() - cached.at < cacheMs && cached.jobsKey === jobsKey) return cached;
    const [tasks, savesets] = await Promise.all([sources.listTasks(location.id, timeoutMs), sources.listSavesets(location.id, timeoutMs)]);
    const lists = { at: Date.now(), jobsKey, tasks, savesets };
    cache.set(location.id, lists);
    return lists;
  };

  return async function search(query: string, limit = DEFAULT_SEARCH_HITS): Promise<SearchResult> {
    const q = query.trim();
    const found: Record<SearchHitKind, Ranked[]> = { location: [], task: [], media: [], saveset: [] };
    const locations = sources.locations();
    for (const id of cache.keys()) if (!locations.some((location) => location.id === id)) cache.delete(id);
    const online = locations.filter((location) => location.status === 'online');
    const outcomes = await fanOut(online, (location, remaining) => listsOf(location, remaining), { deadlineMs: options.timeoutMs ?? 2500 });
    const answered = new Map(online.flatMap((location, index) => {
      const outcome = outcomes[index];
      return outcome?.ok ? [[location.id, outcome.value] as const] : [];
    }));
    const incomplete: SearchGap[] = [];
    online.forEach((location, index) => {
      const outcome = outcomes[index];
      if (outcome && !outcome.ok) incomplete.push({ locationId: location.id, location: location.name, reason: outcome.reason });
    });

    for (const location of locations) {
      const where = { locationId: location.id, location: location.name };
      const rank = best(matchRank(location.name, q), matchRank(location.host, q) === null ? null : 3, matchRank(STATUS_WORDS[location.status], q) === null ? null : 4);
      if (rank !== null) found.location.push({ rank, text: location.name, hit: { kind: 'location', ...where, status: location.status, host: location.host } });
      if (location.status !== 'online') incomplete.push({ ...where, reason: `${STATUS_WORDS[location.status]}: only its last known tasks and media are searched` });

      const replica = sources.replica(location.id);
      for (const media of replica?.devices.media ?? []) {
        const mediaRank = best(matchRank(media.label, q), matchRank(media.barcode, q));
        if (mediaRank !== null) found.media.push({ rank: mediaRank, text: media.label, hit: { kind: 'media', ...where, label: media.label, barcode: media.barcode, pool: media.pool, state: media.state } });
      }

      const lists = answered.get(location.id);
      const tasks = new Map<string, SearchHit & { kind: 'task' }>();
      for (const task of lists?.tasks ?? []) tasks.set(task.name, { kind: 'task', ...where, task: task.name, pool: task.pool, sources: task.sources });
      if (!lists) {
        // Not asked or no answer: the task names the replica knows (schedules, active and recent jobs).
        const known = [...(replica?.schedules.schedules.flatMap((schedule) => schedule.tasks) ?? []), ...[...(replica?.jobs.active ?? []), ...(replica?.jobs.recent ?? [])].flatMap((job) => (job.task ? [job.task] : []))];
        for (const name of known) if (!tasks.has(name)) tasks.set(name, { kind: 'task', ...where, task: name, pool: null, sources: null });
      }
      for (const hit of tasks.values()) {
        const taskRank = matchRank(hit.task, q);
        if (taskRank !== null) found.task.push({ rank: taskRank, text: hit.task, hit });
      }

      for (const saveset of lists?.savesets ?? []) {
        const savesetRank = best(matchRank(saveset.id, q), matchRank(saveset.task, q) === null ? null : 3 + (matchRank(saveset.task, q) ?? 0) / 10);
        if (savesetRank !== null) {
          found.saveset.push({
            rank: savesetRank,
            // Newest first among equals: the text sorts by inverted start time.
            text: `${saveset.task}\u0000${String(9e15 - Date.parse(saveset.started)).padStart(16, '0')}`,
            hit: { kind: 'saveset', ...where, id: saveset.id, task: saveset.task, type: saveset.type, backupDay: saveset.backupDay, status: saveset.status },
          });
        }
      }
    }

    const groups = Object.fromEntries(SEARCH_GROUPS.map((kind) => [kind, capped(found[kind], limit)])) as SearchResult['groups'];
    return { query: q, groups, incomplete };
  };
}
