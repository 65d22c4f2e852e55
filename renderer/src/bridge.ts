/**
 * The renderer's one way to the console: the preload's `window.floe` in Electron, the web bridge in
 * a browser. Subscribes once per topic at startup and feeds the store; components never listen
 * themselves (they only make calls through `consoleApi()` and `openLocation`).
 */
import type { ConsoleApi, LocationDetail, LocationsPush, VersionedTopicName, VersionedTopicValues } from '../../shared/console-api';
import type { FleetView } from '../../shared/fleet';
import { TopicFollower, type VersionedPush } from '../../shared/topic-patch';
import { afterPaint } from './after-paint';
import { browserNotify, createAlarmNotifier } from './alarm-notifier';
import { storeActions } from './store/store';
import type { LocationTab } from './store/ui-slice';

declare global {
  interface Window {
    floe?: ConsoleApi;
  }
}

/**
 * Fleet-wide detail fetches in flight at once (1000 locations must not flood the console). 16 was
 * tried: the page's task queue filled with answers and updates waited (docs/benchmarks.md).
 */
const DETAIL_CONCURRENCY = 4;

let api: ConsoleApi | undefined;
/** Locations whose detail was fetched (or queued) since the link to the console came up. */
let fetched = new Set<string>();
const queue: string[] = [];
let inFlight = 0;
/** Background fetches wait until the fleet's first render is on screen (they would compete with it). */
let backgroundAllowed = false;
let backgroundAsked = false;

export function consoleApi(): ConsoleApi {
  if (!api) throw new Error('the console bridge has not started');
  return api;
}

function errorMessage(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

/** What a background fetch brought: its detail, or why it failed. */
type FetchOutcome = { readonly detail: LocationDetail } | { readonly id: string; readonly message: string };

/**
 * Background fetch answers waiting to be applied. 1000 answers, each its own store change, would each
 * render the tree and the overview: they are applied together (docs/benchmarks.md).
 */
let answered: FetchOutcome[] = [];
let flushScheduled = false;

/** Applies every waiting answer in one store change (before a push or an opening, so versions follow on). */
function flushAnswers(): void {
  if (answered.length === 0) return;
  const outcomes = answered;
  answered = [];
  storeActions().locationDetailsSettled(
    outcomes.flatMap((outcome) => ('detail' in outcome ? [outcome.detail] : [])),
    outcomes.flatMap((outcome) => ('message' in outcome ? [{ id: outcome.id, message: outcome.message }] : [])),
  );
}

/**
 * How long background answers gather before they are applied together: about ten store changes a
 * second while 1000 details load, instead of one per answer (or per frame), each of which sorts the
 * fleet by health and renders the tree and the overview again.
 */
const ANSWER_BATCH_MS = 100;

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(() => {
    flushScheduled = false;
    flushAnswers();
  }, ANSWER_BATCH_MS);
}

/** Locations whose background fetch is waiting for its answer. */
const backgroundInFlight = new Set<string>();

/**
 * Takes out of a `location` push the whole values of locations being fetched in the background and
 * lets them wait with the fetch answers; returns the rest (patches, removals, other whole values).
 * The console pushes a member whole when it is first read, which each background fetch does, just
 * before answering it: applied one by one, 1000 of them were 1000 store changes, each rendering the
 * tree and the overview (docs/benchmarks.md). As answers, they are applied in the next batch, before
 * any later patch of theirs (a push or an opening applies the waiting answers first).
 */
function deferWholeValues(push: LocationsPush): LocationsPush {
  const rest: LocationsPush['locations'] = [];
  for (const member of push.locations) {
    if (member.base === null && 'r' in member.patch && backgroundInFlight.has(member.id)) answered.push({ detail: { ...(member.patch.r as LocationDetail), version: member.version } });
    else rest.push(member);
  }
  if (rest.length === push.locations.length) return push;
  scheduleFlush();
  return { locations: rest, removed: push.removed };
}

/** A fetch for the fleet's cards and lists: its answer waits for the next batch. */
async function fetchInBackground(id: string): Promise<void> {
  backgroundInFlight.add(id);
  try {
    answered.push({ detail: await consoleApi().getLocationDetail({ id }) });
  } catch (caught) {
    answered.push({ id, message: errorMessage(caught) });
  } finally {
    backgroundInFlight.delete(id);
  }
  scheduleFlush();
}

/** A fetch the administrator waits for (an opened location): applied as soon as it answers. */
async function fetchDetail(id: string): Promise<void> {
  const actions = storeActions();
  flushAnswers();
  actions.locationDetailRequested(id);
  try {
    const detail = await consoleApi().getLocationDetail({ id });
    flushAnswers();
    actions.locationDetailFetched(detail);
  } catch (caught) {
    flushAnswers();
    actions.locationDetailFailed(id, errorMessage(caught));
  }
}

/**
 * Starts queued background fetches. They mark nothing loading (a store change each): a location
 * without its detail shows its loading state anyway, and opening it fetches it again.
 */
function pump(): void {
  if (!backgroundAllowed) {
    if (!backgroundAsked) {
      backgroundAsked = true;
      afterPaint(() => {
        backgroundAllowed = true;
        pump();
      });
    }
    return;
  }
  while (inFlight < DETAIL_CONCURRENCY && queue.length > 0) {
    const id = queue.shift() as string;
    inFlight += 1;
    void fetchInBackground(id).finally(() => {
      inFlight -= 1;
      pump();
    });
  }
}

/** Every location's detail once (pushes keep it current afterwards): cards and License info need it. */
function fetchMissingDetails(view: FleetView): void {
  for (const location of view.locations) {
    if (fetched.has(location.id)) continue;
    fetched.add(location.id);
    queue.push(location.id);
  }
  pump();
}

/** Opens a location in the main area and fetches its current detail. */
export function openLocation(id: string, tab?: LocationTab, focus?: string | null): void {
  storeActions().locationOpened(id, tab, focus);
  fetched.add(id);
  // This fetch supersedes a background fetch still waiting in the queue.
  const queued = queue.indexOf(id);
  if (queued >= 0) queue.splice(queued, 1);
  void fetchDetail(id);
}

/**
 * Follows one versioned topic: applies each push on top of the version held and hands the whole
 * value on; a push that does not follow on (a missed version) fetches a snapshot instead.
 */
function followTopic<K extends VersionedTopicName>(
  topic: K,
  onValue: (value: VersionedTopicValues[K]) => void,
  onError: (message: string) => void = () => undefined,
): { take(push: VersionedPush): void; resync(): void } {
  const follower = new TopicFollower<VersionedTopicValues[K]>();
  let resyncing = false;
  const take = (push: VersionedPush): void => {
    const outcome = follower.follow(push);
    if (outcome === 'applied' && follower.value !== undefined) onValue(follower.value);
    if (outcome === 'gap') resync();
  };
  const resync = (): void => {
    if (resyncing) return;
    resyncing = true;
    void consoleApi()
      .topicSnapshot({ topic })
      .then(take)
      .catch((caught: unknown) => onError(errorMessage(caught)))
      .finally(() => (resyncing = false));
  };
  return { take, resync };
}

let started = false;

export function startBridge(): void {
  if (started) return;
  started = true;
  const actions = storeActions();
  const fleetReceived = (view: FleetView): void => {
    actions.fleetReceived(view);
    fetchMissingDetails(view);
  };
  const notifyNew = window.floe ? null : createAlarmNotifier(browserNotify);
  const fleet = followTopic('fleet', fleetReceived);
  const alarms = followTopic('alarms', (view) => {
    actions.alarmsReceived(view);
    // In a browser the page notifies; in Electron the shell does (from main).
    notifyNew?.(view);
  });
  const summary = followTopic('summary', (value) => actions.summaryReceived(value));
  const changes = followTopic('changes', (view) => actions.changesReceived(view), (message) => actions.changesFailed(message));
  const refresh = (): void => {
    fleet.resync();
    alarms.resync();
    summary.resync();
    changes.resync();
  };
  const subscribe = (linked: ConsoleApi): void => {
    linked.subscribe('fleet', fleet.take);
    linked.subscribe('alarms', alarms.take);
    linked.subscribe('summary', summary.take);
    // A detail patch that does not follow on (a location not fetched yet, a missed version): fetch it whole.
    linked.subscribe('location', (push) => {
      const patches = deferWholeValues(push);
      // Only whole values that wait for the batch: applying the waiting answers now would undo that.
      if (patches !== push && patches.locations.length === 0 && patches.removed.length === 0) return;
      // Fetched details first: the push's patches follow on from their versions.
      flushAnswers();
      for (const id of actions.locationsPushed(patches)) {
        fetched.add(id);
        if (!queue.includes(id)) queue.push(id);
      }
      pump();
    });
    linked.subscribe('changes', changes.take);
    linked.subscribe('uiCommand', ({ command }) => actions.dialogRequested(command));
  };
  if (window.floe) {
    api = window.floe;
    actions.consoleLinkChanged('connected', '');
    subscribe(api);
    refresh();
    return;
  }
  // The web bridge (socket.io and the calls' schemas) is a chunk of its own: Electron never loads
  // it, and the console's first render does not parse it or build those schemas.
  void import('./bridges/web-bridge')
    .then(({ createWebConsoleApi }) => {
      api = createWebConsoleApi((state, detail) => {
        actions.consoleLinkChanged(state, detail);
        // After (re)connecting, fetch the whole fleet and every detail: pushes missed while away are covered.
        if (state === 'connected') {
          fetched = new Set();
          refresh();
        }
      });
      subscribe(api);
    })
    .catch((caught: unknown) => actions.consoleLinkChanged('lost', `The page could not load its link to the console (${errorMessage(caught)}). Reload the page.`));
}
