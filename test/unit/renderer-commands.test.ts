/** UI commands in the renderer: the bridge's one uiCommand subscription, Alt+L, and the store action. */
import { describe, expect, it, vi } from 'vitest';

const actions = vi.hoisted(() => ({ fleetReceived: vi.fn(), consoleLinkChanged: vi.fn(), dialogRequested: vi.fn(), locationDetailReceived: vi.fn(), alarmsReceived: vi.fn(), summaryReceived: vi.fn(), locationsPushed: vi.fn(() => [] as string[]), locationDetailRequested: vi.fn(), locationDetailFetched: vi.fn(), locationDetailsSettled: vi.fn(), locationDetailFailed: vi.fn(), changesReceived: vi.fn(), changesFailed: vi.fn(), locationOpened: vi.fn() }));
vi.mock('../../renderer/src/store/store', () => ({ storeActions: () => actions }));

const { registerKeyboardShortcuts } = await import('../../renderer/src/keyboard.js');
const { startBridge } = await import('../../renderer/src/bridge.js');
type ConsoleApi = import('../../shared/console-api.js').ConsoleApi;

function key(init: { code: string; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean }): Event {
  return Object.assign(new Event('keydown', { cancelable: true }), { altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, repeat: false, ...init });
}

describe('keyboard shortcuts', () => {
  it('Alt+L requests License info once per press, registered once', () => {
    const target = new EventTarget();
    const dispose = registerKeyboardShortcuts(target as unknown as Window);
    expect(registerKeyboardShortcuts(target as unknown as Window)).toBe(dispose);
    const altL = key({ code: 'KeyL', altKey: true });
    target.dispatchEvent(altL);
    expect(actions.dialogRequested.mock.calls).toEqual([['open-license-info']]);
    expect(altL.defaultPrevented).toBe(true);
    for (const other of [key({ code: 'KeyL' }), key({ code: 'KeyL', altKey: true, ctrlKey: true }), key({ code: 'KeyK', altKey: true })]) target.dispatchEvent(other);
    expect(actions.dialogRequested).toHaveBeenCalledTimes(1);
    dispose();
    target.dispatchEvent(key({ code: 'KeyL', altKey: true }));
    expect(actions.dialogRequested).toHaveBeenCalledTimes(1);
  });
});

describe('bridge', () => {
  it('subscribes once per topic (fleet, alarms, summary, location, changes, uiCommand) and turns each uiCommand push into dialogRequested', () => {
    actions.dialogRequested.mockClear();
    const listeners = new Map<string, (payload: unknown) => void>();
    const api = {
      getFleet: vi.fn(async () => ({ locations: [] })),
      listAlarms: vi.fn(async () => ({ alarms: [] })),
      topicSnapshot: vi.fn(() => new Promise(() => undefined)),
      subscribe: vi.fn((topic: string, listener: (payload: unknown) => void) => {
        listeners.set(topic, listener);
        return () => undefined;
      }),
    };
    vi.stubGlobal('window', { floe: api as unknown as ConsoleApi });
    startBridge();
    startBridge();
    expect(api.subscribe.mock.calls.map(([topic]) => topic)).toEqual(['fleet', 'alarms', 'summary', 'location', 'changes', 'uiCommand']);
    listeners.get('uiCommand')?.({ command: 'open-remote-servers' });
    expect(actions.dialogRequested).toHaveBeenCalledWith('open-remote-servers');
    vi.unstubAllGlobals();
  });
});

describe('store', () => {
  it('records the requested dialog', async () => {
    const { createStore } = await vi.importActual<typeof import('../../renderer/src/store/store.js')>('../../renderer/src/store/store');
    const store = createStore();
    expect(store.getState().requestedDialog).toBeNull();
    store.getState().dialogRequested('open-license-info');
    expect(store.getState().requestedDialog).toBe('open-license-info');
  });

  it('opens the search palette for open-search (the menu item), leaving the requested dialog alone', async () => {
    const { createStore } = await vi.importActual<typeof import('../../renderer/src/store/store.js')>('../../renderer/src/store/store');
    const store = createStore();
    store.getState().dialogRequested('open-search');
    expect(store.getState().searchOpen).toBe(true);
    expect(store.getState().requestedDialog).toBeNull();
  });
});

describe('bridge: versioned pushes', () => {
  it('applies fleet patches on top of the version held, and fetches a snapshot after a gap', async () => {
    vi.resetModules();
    const fresh = await import('../../renderer/src/bridge.js');
    const listeners = new Map<string, (payload: unknown) => void>();
    const view = (status: string) => ({ locations: [{ id: 'a', name: 'alpha', status }] });
    const api = {
      topicSnapshot: vi.fn(async ({ topic }: { topic: string }) => (topic === 'fleet' ? { version: 5, base: null, patch: { r: view('offline') } } : new Promise(() => undefined))),
      getLocationDetail: vi.fn(() => new Promise(() => undefined)),
      subscribe: vi.fn((topic: string, listener: (payload: unknown) => void) => {
        listeners.set(topic, listener);
        return () => undefined;
      }),
    };
    vi.stubGlobal('window', { floe: api as unknown as ConsoleApi });
    actions.fleetReceived.mockClear();
    fresh.startBridge();
    await vi.waitFor(() => expect(actions.fleetReceived).toHaveBeenLastCalledWith(view('offline')));
    const push = listeners.get('fleet');
    push?.({ version: 6, base: 5, patch: { o: { locations: { k: { a: { o: { status: { r: 'online' } } } } } } } });
    expect(actions.fleetReceived).toHaveBeenLastCalledWith(view('online'));
    const snapshots = api.topicSnapshot.mock.calls.filter(([args]) => args.topic === 'fleet').length;
    push?.({ version: 9, base: 8, patch: { o: {} } }); // versions 7 and 8 were missed
    expect(actions.fleetReceived).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(api.topicSnapshot.mock.calls.filter(([args]) => args.topic === 'fleet').length).toBe(snapshots + 1));
    push?.({ version: 4, base: 3, patch: { o: {} } }); // older than what is held: dropped
    vi.unstubAllGlobals();
  });
});

describe('bridge: background detail fetches', () => {
  it('applies the fleet’s fetched details together (one store change per batch), before a push that follows on', async () => {
    vi.resetModules();
    const fresh = await import('../../renderer/src/bridge.js');
    const listeners = new Map<string, (payload: unknown) => void>();
    const ids = Array.from({ length: 20 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const view = { locations: ids.map((id) => ({ id, name: id, status: 'online' })) };
    const order: string[] = [];
    const api = {
      topicSnapshot: vi.fn(async ({ topic }: { topic: string }) => (topic === 'fleet' ? { version: 1, base: null, patch: { r: view } } : new Promise(() => undefined))),
      getLocationDetail: vi.fn(async ({ id }: { id: string }) => (id === ids[3] ? Promise.reject(new Error('the agent went away')) : { id, seq: 1, devices: null, license: null, jobs: null, schedules: null, version: 1 })),
      subscribe: vi.fn((topic: string, listener: (payload: unknown) => void) => {
        listeners.set(topic, listener);
        return () => undefined;
      }),
    };
    vi.stubGlobal('window', { floe: api as unknown as ConsoleApi });
    actions.locationDetailsSettled.mockReset().mockImplementation(() => void order.push('settled'));
    actions.locationsPushed.mockReset().mockImplementation(() => (order.push('pushed'), []));
    actions.locationDetailFetched.mockClear();
    actions.locationDetailRequested.mockClear();
    fresh.startBridge();
    await vi.waitFor(() => expect(api.getLocationDetail).toHaveBeenCalledTimes(20));
    // Answered but not applied yet: a push arrives and the waiting answers go first.
    listeners.get('location')?.({ locations: [], removed: [] });
    await vi.waitFor(() => {
      const settled = actions.locationDetailsSettled.mock.calls;
      expect(settled.flatMap(([details]) => details.map((detail: { id: string }) => detail.id)).sort()).toEqual(ids.filter((id) => id !== ids[3]));
      expect(settled.flatMap(([, failures]) => failures)).toEqual([{ id: ids[3], message: 'the agent went away' }]);
    });
    expect(actions.locationDetailsSettled.mock.calls.length).toBeLessThan(5);
    expect(order[0]).toBe('settled');
    expect(order).toContain('pushed');
    // Background fetches are no store change of their own (neither requested nor fetched one by one).
    expect(actions.locationDetailFetched).not.toHaveBeenCalled();
    expect(actions.locationDetailRequested).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });
});

describe('bridge: whole values pushed while fetching in the background', () => {
  it('lets the whole value the console pushes when a background fetch reads a location wait with the answers, and applies other pushes at once', async () => {
    vi.resetModules();
    const fresh = await import('../../renderer/src/bridge.js');
    const listeners = new Map<string, (payload: unknown) => void>();
    const ids = Array.from({ length: 8 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const view = { locations: ids.map((id) => ({ id, name: id, status: 'online' })) };
    const value = (id: string, seq: number) => ({ id, seq, devices: null, license: null, jobs: null, schedules: null });
    const whole = (id: string, version: number) => ({ locations: [{ id, version, base: null, patch: { r: value(id, version) } }], removed: [] });
    const api = {
      topicSnapshot: vi.fn(async ({ topic }: { topic: string }) => (topic === 'fleet' ? { version: 1, base: null, patch: { r: view } } : new Promise(() => undefined))),
      // Like the console core: reading a member for the first time pushes it whole, then answers.
      getLocationDetail: vi.fn(async ({ id }: { id: string }) => {
        listeners.get('location')?.(whole(id, 1));
        return { ...value(id, 1), version: 1 };
      }),
      subscribe: vi.fn((topic: string, listener: (payload: unknown) => void) => {
        listeners.set(topic, listener);
        return () => undefined;
      }),
    };
    vi.stubGlobal('window', { floe: api as unknown as ConsoleApi });
    actions.locationsPushed.mockReset().mockImplementation(() => []);
    actions.locationDetailsSettled.mockReset();
    try {
      fresh.startBridge();
      const settledIds = () => actions.locationDetailsSettled.mock.calls.flatMap(([details]) => details.map((detail: { id: string; version: number }) => `${detail.id}@${detail.version}`)).sort();
      // Each location twice (the pushed whole value and the answer), in a few store changes, none of them a push of its own.
      await vi.waitFor(() => expect(settledIds()).toEqual(ids.flatMap((id) => [`${id}@1`, `${id}@1`]).sort()));
      expect(actions.locationDetailsSettled.mock.calls.length).toBeLessThan(4);
      expect(actions.locationsPushed).not.toHaveBeenCalled();
      // No fetch in flight: a whole value is applied at once, as the push it is.
      listeners.get('location')?.(whole(ids[0] as string, 2));
      expect(actions.locationsPushed.mock.calls).toEqual([[whole(ids[0] as string, 2)]]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('bridge: background fetches after the first paint', () => {
  it('starts no background fetch before the frame after the fleet arrives and an idle moment; an opened location is fetched at once and not again', async () => {
    vi.resetModules();
    const fresh = await import('../../renderer/src/bridge.js');
    const ids = Array.from({ length: 6 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const view = { locations: ids.map((id) => ({ id, name: id, status: 'online' })) };
    const api = {
      topicSnapshot: vi.fn(async ({ topic }: { topic: string }) => (topic === 'fleet' ? { version: 1, base: null, patch: { r: view } } : new Promise(() => undefined))),
      getLocationDetail: vi.fn(async ({ id }: { id: string }) => ({ id, seq: 1, devices: null, license: null, jobs: null, schedules: null, version: 1 })),
      subscribe: vi.fn(() => () => undefined),
    };
    const frames: Array<() => void> = [];
    const idles: Array<() => void> = [];
    vi.stubGlobal('window', { floe: api as unknown as ConsoleApi });
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idles.push(callback));
    vi.stubGlobal('cancelIdleCallback', () => undefined);
    const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
    try {
      fresh.startBridge();
      await vi.waitFor(() => expect(actions.fleetReceived).toHaveBeenCalled());
      await nextTask();
      expect(api.getLocationDetail).not.toHaveBeenCalled();
      expect(frames).toHaveLength(1);
      fresh.openLocation(ids[2] as string);
      expect(api.getLocationDetail.mock.calls.map(([args]) => args.id)).toEqual([ids[2]]);
      frames.shift()?.();
      await nextTask();
      expect(api.getLocationDetail).toHaveBeenCalledTimes(1);
      expect(idles).toHaveLength(1);
      idles.shift()?.();
      await vi.waitFor(() => expect(api.getLocationDetail).toHaveBeenCalledTimes(ids.length));
      expect(api.getLocationDetail.mock.calls.map(([args]) => args.id).sort()).toEqual([...ids].sort());
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('store: settled details', () => {
  it('applies several fetched details at once, keeps a newer version held, and records failures only where no detail is held', async () => {
    const { createStore } = await vi.importActual<typeof import('../../renderer/src/store/store.js')>('../../renderer/src/store/store');
    const store = createStore();
    const detail = (id: string, version: number, seq: number) => ({ id, seq, devices: null, license: null, jobs: null, schedules: null, version });
    const [a, b, c] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    store.getState().locationDetailFetched(detail(a, 5, 5));
    store.getState().locationDetailsSettled([detail(a, 3, 3), detail(b, 2, 2)], [{ id: a, message: 'gone' }, { id: c, message: 'refused' }]);
    const state = store.getState();
    expect(state.details.get(a)?.seq).toBe(5);
    expect(state.detailVersions.get(a)).toBe(5);
    expect(state.details.get(b)).toEqual({ id: b, seq: 2, devices: null, license: null, jobs: null, schedules: null });
    expect(state.detailVersions.get(b)).toBe(2);
    expect(state.detailFetches.get(a)).toBeUndefined();
    expect(state.detailFetches.get(c)).toEqual({ state: 'error', message: 'refused' });
  });
});

describe('store: health order', () => {
  it('orders like sortByHealth (rank, then name, equal names in fleet order), and again when a rank, a name or the members change', async () => {
    const { healthOrderOf } = await vi.importActual<typeof import('../../renderer/src/store/store.js')>('../../renderer/src/store/store');
    const { sortByHealth } = await import('../../renderer/src/health.js');
    type View = import('../../shared/fleet.js').LocationView;
    type Detail = import('../../shared/console-api.js').LocationDetail;
    const statuses = ['online', 'online', 'offline', 'auth-failed', 'connecting', 'version-mismatch'] as const;
    const names = ['delta', 'Alpha', 'alpha', 'bravo', 'Échelle', 'echo', 'charlie', 'delta'];
    const view = (n: number, name = names[n % names.length] as string): View =>
      ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name, host: 'h', port: 1, fingerprint: 'f', status: statuses[(n * 7) % statuses.length], detail: null, lastSeen: null, agent: null }) as View;
    const licenseOf = (n: number) => (n % 5 === 0 ? { status: 'expiring', daysLeft: n % 30 } : n % 11 === 0 ? { status: 'invalid', daysLeft: 0 } : { status: 'valid', daysLeft: 300 });
    const detailOf = (location: View, n: number): Detail => ({ id: location.id, seq: 1, devices: null, license: licenseOf(n), jobs: null, schedules: null }) as unknown as Detail;
    const check = (views: View[], details: Map<string, Detail>) => {
      const locations = new Map(views.map((location) => [location.id, location]));
      expect(healthOrderOf(locations, details)).toEqual(sortByHealth(views, details).map((location) => location.id));
    };
    const views = Array.from({ length: 300 }, (_, n) => view(n));
    const details = new Map(views.filter((_, n) => n % 3 !== 0).map((location, n) => [location.id, detailOf(location, n)]));
    check(views, details);
    // A rank changes (a detail lands), a name changes, a member goes.
    const more = new Map(details).set((views[3] as View).id, detailOf(views[3] as View, 11));
    check(views, more);
    const renamed = views.map((location, n) => (n === 10 ? view(n, 'aaa-first') : location));
    check(renamed, more);
    check(renamed.slice(1), more);
  });
});
