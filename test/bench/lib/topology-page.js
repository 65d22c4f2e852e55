// Runs inside Chromium before the page's own scripts (page.addInitScript): builds 1000 locations
// with 100 jobs each, then either installs `window.floe` — a bench ConsoleApi the real bridge
// (renderer/src/bridge.ts) subscribes to — or, for the anchor, renders a plain non-virtualised
// <table> of the same data. Then it streams `rate` updates a second (one location's running job
// moves on) and, like the console core (main/core/topic-publisher.ts), publishes every 100 ms one
// versioned `location` push with the patches of the details that changed and one versioned `fleet`
// patch, made by the real `diffJson` (shared/topic-patch.ts, bundled into the page as
// `window.__floeTopicPatch` by the runner). It records first render, long tasks and
// animation-frame gaps in `window.__bench`.
// Plain browser JavaScript: it is serialised into the page.
export function topologyPage({ mode, locations, jobsPerLocation, rate, template }) {
  const bench = { mode, marks: {}, longTasks: [], frameGaps: [], updates: 0 };
  window.__bench = bench;
  const started = performance.now();
  const iso = (ms) => new Date(ms).toISOString();
  const now = Date.now();
  const states = ['successful', 'successful', 'successful', 'warning', 'error'];
  const fleet = [];
  const details = [];
  for (let i = 0; i < locations; i += 1) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const name = `site-${String(i).padStart(4, '0')}`;
    fleet.push({ id, name, host: `10.0.${i >> 8}.${i & 255}`, port: 7443, fingerprint: template.identity.fingerprint, status: i % 50 === 7 ? 'offline' : 'online', detail: i % 50 === 7 ? 'connection refused' : null, lastSeen: iso(now), agent: { name, version: template.identity.version, agentId: id } });
    const job = (n, state) => ({
      id: `${name}-job-${n}`, kind: 'backup', task: `task-${n % 7}`, type: n % 7 === 0 ? 'full' : 'incr', state,
      queuedAt: iso(now - n * 3_600_000), startedAt: state === 'queued' ? null : iso(now - n * 3_600_000 + 60_000), endedAt: state === 'queued' || state === 'running' ? null : iso(now - n * 3_600_000 + 600_000),
      backupDay: iso(now - n * 3_600_000).slice(0, 10), bytes: n * 1_000_000, files: n * 100, rate: state === 'running' ? 50_000_000 : 0,
      currentFile: state === 'running' ? '/srv/data/file.dat' : null, saveset: null, drive: null, message: state === 'error' ? 'the drive reported a medium error' : null,
    });
    const half = Math.floor(jobsPerLocation / 2);
    const active = [job(0, 'running'), ...Array.from({ length: half - 1 }, (_, n) => job(n + 1, 'queued'))];
    const recent = Array.from({ length: jobsPerLocation - half }, (_, n) => job(half + n, states[(i + n) % states.length]));
    details.push({ id, seq: 1, devices: template.devices, license: template.license, jobs: { active, recent }, schedules: template.schedules });
  }
  bench.marks.dataReady = performance.now();
  bench.marks.dataMs = bench.marks.dataReady - started;

  // One update: location `i`'s running job moves on.
  let next = 0;
  const update = () => {
    const i = next % locations;
    next += 1;
    const detail = details[i];
    const running = detail.jobs.active[0];
    const moved = { ...running, bytes: running.bytes + 65_536_000, files: running.files + 1000, currentFile: `/srv/data/file-${next}.dat` };
    details[i] = { ...detail, seq: detail.seq + 1, jobs: { ...detail.jobs, active: [moved, ...detail.jobs.active.slice(1)] } };
    fleet[i] = { ...fleet[i], lastSeen: iso(Date.now()) };
    bench.updates += 1;
    return i;
  };

  const observeFrames = () => {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, ms: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    let last = performance.now();
    const frame = (t) => {
      bench.frameGaps.push({ at: t, ms: t - last });
      last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  };

  const firstFrameWhen = (visible, mark) => {
    const check = () => {
      if (visible()) bench.marks[mark] = performance.now();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  };

  let stream;
  bench.startStreaming = () => {
    bench.marks.streamStart = performance.now();
    stream = setInterval(() => bench.onUpdate(update()), 1000 / rate);
  };
  bench.stopStreaming = () => {
    clearInterval(stream);
    bench.marks.streamEnd = performance.now();
  };

  if (mode === 'floe') {
    const { diffJson } = window.__floeTopicPatch;
    const PUSH_INTERVAL_MS = 100;
    const listeners = new Map();
    const later = (value) => new Promise((resolve) => setTimeout(() => resolve(structuredClone(value)), 0));
    // A versioned value as the core keeps it (VersionedValue): version 1 is the whole value, then patches.
    const versioned = (read) => {
      let version = 0;
      let value;
      return {
        publish() {
          const nextValue = read();
          if (version === 0) {
            version = 1;
            value = nextValue;
            return { version, base: null, patch: { r: nextValue } };
          }
          const patch = diffJson(value, nextValue);
          if (!patch) return undefined;
          value = nextValue;
          version += 1;
          return { version, base: version - 1, patch };
        },
        current() {
          if (version === 0) this.publish();
          return { version, value };
        },
        get read() {
          return version > 0;
        },
      };
    };
    let fleetView = { locations: [...fleet] };
    const fleetTopic = versioned(() => fleetView);
    const members = details.map((_, i) => versioned(() => details[i]));
    // The console finds a member by id in a map; a findIndex over 1000 details per fetch cost the page ~0.5 s.
    const indexOf = new Map(details.map((detail, i) => [detail.id, i]));
    const dirty = new Set();
    const flushLocations = (only) => {
      const ids = only ?? [...dirty];
      const pushed = [];
      for (const i of ids) {
        dirty.delete(i);
        const push = members[i].publish();
        if (push) pushed.push({ ...push, id: details[i].id });
      }
      return pushed;
    };
    const api = new Proxy(
      {},
      {
        get(_target, name) {
          if (name === 'then') return undefined;
          if (name === 'subscribe') {
            return (topic, listener) => {
              listeners.set(topic, listener);
              return () => listeners.delete(topic);
            };
          }
          if (name === 'topicSnapshot') {
            return ({ topic }) => {
              if (topic === 'fleet') {
                fleetTopic.publish();
                const { version, value } = fleetTopic.current();
                return later({ version, base: null, patch: { r: value } });
              }
              if (topic === 'alarms') return later({ version: 1, base: null, patch: { r: { alarms: [] } } });
              return new Promise(() => undefined);
            };
          }
          if (name === 'getLocationDetail') {
            return ({ id }) => {
              bench.detailFetches = (bench.detailFetches ?? 0) + 1;
              bench.marks.lastDetailFetch = performance.now();
              const i = indexOf.get(id);
              // A pending change of a member read before is pushed first, so patches follow on; a member
              // read for the first time goes to its reader only (PublishedCollection.current).
              if (members[i].read) {
                const pushed = flushLocations([i]);
                if (pushed.length > 0) listeners.get('location')?.(structuredClone({ locations: pushed, removed: [] }));
              } else {
                dirty.delete(i);
              }
              const { version, value } = members[i].current();
              return later({ ...value, version });
            };
          }
          return () => new Promise(() => undefined);
        },
      },
    );
    window.floe = api;
    let publisher;
    bench.onUpdate = (i) => {
      dirty.add(i);
      fleetView = { locations: [...fleet] };
      if (publisher) return;
      // Coalesced like the core: at most one `location` and one `fleet` push per interval.
      publisher = setTimeout(() => {
        publisher = undefined;
        // Over IPC each push arrives as a fresh structured clone.
        const pushed = flushLocations();
        if (pushed.length > 0) listeners.get('location')?.(structuredClone({ locations: pushed, removed: [] }));
        const fleetPush = fleetTopic.publish();
        if (fleetPush) listeners.get('fleet')?.(structuredClone(fleetPush));
      }, PUSH_INTERVAL_MS);
    };
    firstFrameWhen(() => document.querySelectorAll('[role=tree] [role=treeitem]').length > 5 && (document.querySelector('.statusbar')?.textContent ?? '').startsWith(`${locations} locations`), 'firstRender');
  } else {
    // Anchor: a plain table, every location with its job figures, built once; an update replaces one row.
    const rowHtml = (i) => {
      const location = fleet[i];
      const { active, recent } = details[i].jobs;
      const failed = recent.filter((job) => job.state === 'error').length;
      const running = active.find((job) => job.state === 'running');
      return `<td>${location.name}</td><td>${location.status}</td><td>${location.host}:${location.port}</td><td>${active.length}</td><td>${recent.length}</td><td>${failed}</td><td>${running ? `${Math.round(running.bytes / 1e6)} MB ${running.currentFile}` : ''}</td><td>${location.lastSeen}</td>`;
    };
    let rows = [];
    window.floe = new Proxy({}, { get: (_t, name) => (name === 'then' ? undefined : name === 'subscribe' ? () => () => undefined : () => new Promise(() => undefined)) });
    document.addEventListener('DOMContentLoaded', () => {
      const table = document.createElement('table');
      table.id = 'anchor-table';
      table.style.cssText = 'position:fixed;inset:0;overflow:auto;display:block;background:#fff;z-index:10';
      const body = document.createElement('tbody');
      body.innerHTML = fleet.map((_, i) => `<tr>${rowHtml(i)}</tr>`).join('');
      table.append(body);
      document.body.append(table);
      rows = [...body.rows];
    });
    bench.onUpdate = (i) => {
      if (rows[i]) rows[i].innerHTML = rowHtml(i);
    };
    firstFrameWhen(() => document.querySelectorAll('#anchor-table tr').length === locations, 'firstRender');
  }
  observeFrames();
}
