/**
 * Provisioning states through offline periods: real agents on loopback over real TLS. Changes made
 * while an agent is stopped stay pending and visible (also across a console restart), apply when
 * retried after it is back, can be discarded; refused changes keep the agent's error.
 */
import { TopicFollower } from '../../shared/topic-patch.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../main/core/console-core.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import type { InitResult } from '../../agent/init.js';
import type { Change, ChangesView } from '../../shared/provisioning.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin } from '../helpers/engine.js';

const FAST = { minMs: 50, maxMs: 300, jitter: 0.5 };
const MAIL = { name: 'mail', sources: ['/srv/mail'], pool: 'DAILY' };
const NIGHTLY = { name: 'nightly', cron: '0 22 * * *', tasks: ['mail'], type: 'full' as const };

describe('provisioning states through offline periods', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function core(configDir = tempDir('console')): ConsoleCore {
    const created = createConsoleCore({ configDir, backoff: FAST, pushIntervalMs: 10, connectTimeoutMs: 2000 });
    cleanups.push(() => created.dispose());
    return created;
  }
  async function agent(name: string): Promise<{ init: InitResult; running: RunningAgent }> {
    const init = await initAgent(name);
    const running = await startInProcess(init);
    let current = running;
    cleanups.push(() => current.close());
    return {
      init,
      get running() {
        return current;
      },
      set running(next: RunningAgent) {
        current = next;
      },
    };
  }
  const statusOf = (console: ConsoleCore, id: string): string | undefined => console.fleet.location(id)?.status;
  /** Follows the versioned `changes` topic as the renderer does: every whole view the pushes rebuild. */
  const onChanges = (console: ConsoleCore, listener: (view: ChangesView) => void): void => {
    const follower = new TopicFollower<ChangesView>();
    console.service.onTopic('changes', (push) => {
      if (follower.follow(push) === 'applied' && follower.value) listener(follower.value);
    });
  };
  const changeOf = async (console: ConsoleCore, id: string): Promise<Change | undefined> => (await console.service.listChanges({})).changes.find((change) => change.id === id);

  it('keeps changes pending while the agent is stopped, applies them on retry, discards on request, and survives a console restart', async () => {
    const configDir = tempDir('console');
    let console = core(configDir);
    const pushed: ChangesView[] = [];
    onChanges(console, (view) => pushed.push(view));
    const hq = await agent('hq-berlin');
    const port = hq.running.port;
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port, token: hq.init.token, fingerprint: hq.init.fingerprint });
    await waitFor('registration added', () => pushed.at(-1)?.changes.find((change) => change.kind === 'register')?.state === 'added');
    expect(pushed.some((entry) => entry.changes.some((change) => change.kind === 'register' && change.state === 'adding'))).toBe(true);
    await console.service.poolAdd({ id: view.id, args: { name: 'DAILY' } });
    expect((await console.service.changeTask({ id: view.id, mode: 'add', task: MAIL })).change?.state).toBe('added');

    // Stop the agent; changes made now stay pending with the reason.
    await hq.running.close();
    await waitFor('offline', () => statusOf(console, view.id) === 'offline');
    const modify = (await console.service.changeTask({ id: view.id, mode: 'modify', task: { ...MAIL, sources: ['/srv/mail', '/srv/archive'] } })).change;
    const schedule = (await console.service.changeSchedule({ id: view.id, mode: 'add', schedule: NIGHTLY })).change;
    const scratch = (await console.service.changeTask({ id: view.id, mode: 'add', task: { ...MAIL, name: 'scratch' } })).change;
    expect([modify?.state, schedule?.state, scratch?.state]).toEqual(['modify', 'add', 'add']);
    expect(modify?.lastError?.code).toBe('UNREACHABLE');
    await waitFor('pending pushed', () => pushed.at(-1)?.changes.filter((change) => change.state === 'add' || change.state === 'modify').length === 3);
    await console.service.discardChange({ change: scratch?.id ?? '' });
    expect(await changeOf(console, scratch?.id ?? '')).toBeUndefined();

    // The console restarts while they are pending: they are still listed (the journal is a 0600 file).
    console.dispose();
    expect(statSync(join(configDir, 'provisioning.json')).mode & 0o777).toBe(0o600);
    console = core(configDir);
    const listed = (await console.service.listChanges({})).changes;
    expect(listed.slice(0, 2).map((change) => [change.kind, change.target, change.state])).toEqual([
      ['task', 'mail', 'modify'],
      ['schedule', 'nightly', 'add'],
    ]);

    // The agent comes back on the same port: nothing is applied behind the administrator's back …
    hq.running = await startInProcess(hq.init, port);
    await waitFor('online again', () => statusOf(console, view.id) === 'online');
    expect((await changeOf(console, modify?.id ?? ''))?.state).toBe('modify');
    // … and a retry applies each change.
    expect((await console.service.retryChange({ change: modify?.id ?? '' })).state).toBe('modified');
    expect((await console.service.retryChange({ change: schedule?.id ?? '' })).state).toBe('added');
    const tasks = await console.service.taskList({ id: view.id, args: {} });
    expect(tasks.find((task) => task.name === 'mail')?.sources).toEqual(['/srv/mail', '/srv/archive']);
    expect(tasks.some((task) => task.name === 'scratch')).toBe(false);
    expect((await console.service.scheduleList({ id: view.id, args: {} })).map((entry) => entry.name)).toEqual(['nightly']);
    await expect(console.service.retryChange({ change: modify?.id ?? '' })).rejects.toMatchObject({ code: 'CONFLICT' });

    expect((await console.service.changeSchedule({ id: view.id, mode: 'modify', schedule: { ...NIGHTLY, cron: '30 23 * * *' } })).change?.state).toBe('modified');
    expect((await console.service.scheduleList({ id: view.id, args: {} }))[0]?.cron).toBe('30 23 * * *');
    // Deleting goes delete → deleting → deleted.
    expect((await console.service.changeSchedule({ id: view.id, mode: 'delete', name: 'nightly' })).change?.state).toBe('deleted');
    expect(await console.service.scheduleList({ id: view.id, args: {} })).toEqual([]);
  });

  it('a refused change stays pending with the agent’s error: a monitor token, then a task naming a missing pool', async () => {
    const console = core();
    const site = await agent('branch-lyon');
    const admin = await connectAdmin(site.init, site.running.port);
    cleanups.push(() => void admin.close());
    await call(admin, 'pool:add', { name: 'DAILY' });
    const monitor = await call<{ token: string }>(admin, 'token:create', { role: 'monitor' });
    let latest: ChangesView = { changes: [] };
    onChanges(console, (pushed) => (latest = pushed));
    const registerState = (): string | undefined => latest.changes.find((change) => change.kind === 'register' && change.location === view.id)?.state;
    const view = await console.service.addLocation({ name: 'branch-lyon', host: '127.0.0.1', port: site.running.port, token: monitor.token, fingerprint: site.init.fingerprint });
    await waitFor('online', () => statusOf(console, view.id) === 'online');

    const refused = (await console.service.changeTask({ id: view.id, mode: 'add', task: MAIL })).change;
    expect(refused).toMatchObject({ state: 'add', lastError: { code: 'FORBIDDEN' } });
    expect(refused?.lastError?.message).toMatch(/admin token/);
    expect((await console.service.retryChange({ change: refused?.id ?? '' })).lastError?.code).toBe('FORBIDDEN');

    // The administrator replaces the token (an edit: modifying until the link is online with it) and retries.
    await console.service.editLocation({ id: view.id, token: site.init.token });
    await waitFor('edit applied', () => registerState() === 'modified');
    expect((await console.service.retryChange({ change: refused?.id ?? '' })).state).toBe('added');

    // An invalid task (its pool does not exist) is refused by the agent and kept pending with that reason.
    const invalid = (await console.service.changeTask({ id: view.id, mode: 'add', task: { ...MAIL, name: 'logs', pool: 'NOPE' } })).change;
    expect(invalid).toMatchObject({ state: 'add', lastError: { code: 'NOT_FOUND' } });
    expect(invalid?.lastError?.message).toMatch(/pool NOPE does not exist/);
    // Modifying what the agent does not have is refused the same way.
    expect((await console.service.changeTask({ id: view.id, mode: 'modify', task: { ...MAIL, name: 'ghost' } })).change?.lastError).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no task named ghost/) });
    expect((await console.service.changeSchedule({ id: view.id, mode: 'modify', schedule: { ...NIGHTLY, name: 'ghost' } })).change?.lastError).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no schedule named/) });

    // A wrong token in an edit: pending (modify) with the refusal; discarding it restores the working token.
    const seenBeforeEdit = console.fleet.location(view.id)?.lastSeen ?? null;
    expect(seenBeforeEdit).not.toBeNull();
    await console.service.editLocation({ id: view.id, token: 'floe_not-a-valid-token' });
    await waitFor('edit refused', () => registerState() === 'modify' && statusOf(console, view.id) === 'auth-failed');
    // The relink keeps when the location was last seen: its card must not read "last seen never".
    expect(Date.parse(console.fleet.location(view.id)?.lastSeen ?? '')).toBeGreaterThanOrEqual(Date.parse(seenBeforeEdit ?? ''));
    const edit = latest.changes.find((change) => change.kind === 'register' && change.state === 'modify');
    expect(edit?.lastError?.code).toBe('AUTH_FAILED');
    await console.service.discardChange({ change: edit?.id ?? '' });
    await waitFor('online with the old token', () => statusOf(console, view.id) === 'online');
    expect(latest.changes.some((change) => change.kind === 'register' && change.mode === 'modify' && change.state === 'modify')).toBe(false);

    // A second location may not take this one's certificate, by edit or by add: refused naming the first.
    const other = await agent('dr-site');
    const second = await console.service.addLocation({ name: 'dr-site', host: '127.0.0.1', port: other.running.port, token: other.init.token, fingerprint: other.init.fingerprint });
    await expect(console.service.editLocation({ id: second.id, fingerprint: site.init.fingerprint })).rejects.toThrow(/already registered as "branch-lyon"/);
    await expect(
      console.service.addLocation({ name: 'copy', host: '127.0.0.1', port: site.running.port, token: site.init.token, fingerprint: site.init.fingerprint }),
    ).rejects.toThrow(/already registered as "branch-lyon"/);
    await expect(console.service.editLocation({ id: second.id, port: site.running.port })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    // Removing the location: recorded as deleted; its pending task change stays listed until discarded.
    await console.service.removeLocation({ id: view.id });
    const after = (await console.service.listChanges({})).changes;
    expect(after.find((change) => change.kind === 'remove')?.state).toBe('deleted');
    expect(await console.service.retryChange({ change: invalid?.id ?? '' })).toMatchObject({ state: 'add', lastError: { code: 'NOT_FOUND', message: expect.stringMatching(/removed/) } });
    await console.service.discardChange({ change: invalid?.id ?? '' });
    expect(await changeOf(console, invalid?.id ?? '')).toBeUndefined();
  });
});
