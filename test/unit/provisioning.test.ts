import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginChange, createChange, failChange, mergeModes, orderChanges, pruneApplied, recoverChange, succeedChange, type NewChange } from '../../main/core/provisioning.js';
import { ProvisioningJournal } from '../../main/core/provisioning-journal.js';
import { Provisioner, type ItemChange, type ProvisionerHooks } from '../../main/core/provisioner.js';
import { FloeError } from '../../shared/errors.js';
import { phaseOf, stateOf, type Change } from '../../shared/provisioning.js';
import { tempDir } from '../helpers/agents.js';

const LOCATION = '0b9f5c2e-8a3d-4c1e-9f7a-2d6b8e4a1c3f';
const T0 = new Date('2026-11-29T10:00:00.000Z');
const later = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const TASK = { name: 'mail', sources: ['/srv/mail'], pool: 'DAILY' };

function taskChange(mode: 'add' | 'modify' | 'delete', id = '1c6f0d2a-3b4e-4f5a-8b9c-0d1e2f3a4b5c'): NewChange {
  return { id, location: LOCATION, locationName: 'hq-berlin', kind: 'task', mode, target: 'mail', payload: { kind: 'task', name: 'mail', task: mode === 'delete' ? null : TASK } };
}

describe('provisioning state machine', () => {
  it('walks add → adding → added with timestamps and attempts', () => {
    const created = createChange(taskChange('add'), T0);
    expect([created.state, created.attempts, created.appliedAt]).toEqual(['add', 0, null]);
    const applying = beginChange(created, later(1));
    expect([applying.state, applying.attempts, applying.updatedAt]).toEqual(['adding', 1, later(1).toISOString()]);
    const applied = succeedChange(applying, later(2));
    expect([applied.state, applied.appliedAt, applied.lastError]).toEqual(['added', later(2).toISOString(), null]);
    expect(applied.createdAt).toBe(T0.toISOString());
  });

  it('names every state of every mode', () => {
    expect((['add', 'modify', 'delete'] as const).map((mode) => (['pending', 'applying', 'applied'] as const).map((phase) => stateOf(mode, phase)))).toEqual([
      ['add', 'adding', 'added'],
      ['modify', 'modifying', 'modified'],
      ['delete', 'deleting', 'deleted'],
    ]);
    expect(phaseOf('deleting')).toBe('applying');
  });

  it('a failure goes back to the pending word and keeps the reason', () => {
    const failed = failChange(beginChange(createChange(taskChange('modify'), T0), later(1)), { code: 'FORBIDDEN', message: 'task:update needs an admin token' }, later(2));
    expect(failed.state).toBe('modify');
    expect(failed.lastError).toEqual({ code: 'FORBIDDEN', message: 'task:update needs an admin token' });
    const retried = succeedChange(beginChange(failed, later(3)), later(4));
    expect([retried.state, retried.attempts, retried.lastError]).toEqual(['modified', 2, null]);
  });

  it('refuses to begin a change being applied or already applied, and to settle one that is not applying', () => {
    const applying = beginChange(createChange(taskChange('delete'), T0), T0);
    expect(() => beginChange(applying, T0)).toThrow(expect.objectContaining({ code: 'BUSY' }));
    const applied = succeedChange(applying, T0);
    expect(applied.state).toBe('deleted');
    expect(() => beginChange(applied, T0)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => succeedChange(createChange(taskChange('add'), T0), T0)).toThrow(FloeError);
    expect(() => failChange(applied, { code: 'INTERNAL', message: 'x' }, T0)).toThrow(FloeError);
  });

  it('a change found applying after a restart is pending again with a reason', () => {
    const recovered = recoverChange(beginChange(createChange(taskChange('add'), T0), T0), later(5));
    expect(recovered.state).toBe('add');
    expect(recovered.lastError?.message).toMatch(/console stopped/);
  });

  it('merges a new change into a pending one to the same item', () => {
    expect(mergeModes('add', 'modify')).toEqual({ outcome: 'replace', mode: 'add' });
    expect(mergeModes('add', 'delete')).toEqual({ outcome: 'cancel' });
    expect(mergeModes('modify', 'modify')).toEqual({ outcome: 'replace', mode: 'modify' });
    expect(mergeModes('modify', 'delete')).toEqual({ outcome: 'replace', mode: 'delete' });
    expect(mergeModes('delete', 'add')).toEqual({ outcome: 'replace', mode: 'modify' });
  });

  it('orders pending first (oldest first), then applying, then applied (newest first), and prunes only applied ones', () => {
    const a = createChange(taskChange('add', '00000000-0000-4000-8000-000000000001'), later(2));
    const b = createChange(taskChange('add', '00000000-0000-4000-8000-000000000002'), later(1));
    const c = succeedChange(beginChange(createChange(taskChange('add', '00000000-0000-4000-8000-000000000003'), T0), T0), later(3));
    const d = succeedChange(beginChange(createChange(taskChange('add', '00000000-0000-4000-8000-000000000004'), T0), T0), later(4));
    const e = beginChange(createChange(taskChange('add', '00000000-0000-4000-8000-000000000005'), T0), T0);
    expect(orderChanges([c, a, d, e, b]).map((change) => change.id.slice(-1))).toEqual(['2', '1', '5', '4', '3']);
    expect(pruneApplied([a, b, c, d, e], 1).map((change) => change.id.slice(-1))).toEqual(['1', '2', '4', '5']);
  });
});

describe('provisioning journal', () => {
  it('persists changes in a 0600 file and reloads them, applying ones as pending', () => {
    const path = join(tempDir('journal'), 'provisioning.json');
    const journal = new ProvisioningJournal(path, T0);
    journal.put(beginChange(createChange(taskChange('add'), T0), T0));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const reloaded = new ProvisioningJournal(path, later(9));
    expect(reloaded.list().map((change) => change.state)).toEqual(['add']);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
  });

  it('refuses a damaged journal with the way out', () => {
    const path = join(tempDir('journal'), 'provisioning.json');
    writeFileSync(path, '{"version":1,"changes":[{"id":"nope"}]}', { mode: 0o600 });
    expect(() => new ProvisioningJournal(path, T0)).toThrow(/not a valid provisioning journal.*move it away/);
  });
});

describe('provisioner', () => {
  function setup(command: ProvisionerHooks['command']) {
    let now = 0;
    const undone: Array<[string, unknown]> = [];
    const reconnected: string[] = [];
    const provisioner = new Provisioner(new ProvisioningJournal(join(tempDir('prov'), 'provisioning.json'), T0), {
      clock: () => later(now++),
      command,
      reconnect: (id) => reconnected.push(id),
      undoRegister: (id, previous) => undone.push([id, previous]),
    });
    const pushes: Change[][] = [];
    provisioner.onChange((view) => pushes.push(view.changes));
    return { provisioner, undone, reconnected, pushes };
  }
  const item = (mode: 'add' | 'modify' | 'delete'): ItemChange => ({ location: LOCATION, locationName: 'hq-berlin', mode, payload: { kind: 'task', name: 'mail', task: mode === 'delete' ? null : TASK } });

  it('sends a task change as its agent command and records it applied', async () => {
    const sent: Array<[string, unknown]> = [];
    const { provisioner, pushes } = setup(async (_id, name, args) => void sent.push([name, args]));
    expect((await provisioner.submit(item('add')))?.state).toBe('added');
    expect((await provisioner.submit(item('modify')))?.state).toBe('modified');
    expect((await provisioner.submit(item('delete')))?.state).toBe('deleted');
    expect(sent).toEqual([
      ['task:add', TASK],
      ['task:update', TASK],
      ['task:remove', { name: 'mail' }],
    ]);
    expect(pushes.at(-1)?.map((change) => change.state)).toEqual(['deleted', 'modified', 'added']);
    expect(pushes.some((changes) => changes.some((change) => change.state === 'adding'))).toBe(true);
  });

  it('keeps a change that cannot be applied pending with the reason; retry applies it; discard drops it', async () => {
    let online = false;
    const { provisioner } = setup(async () => {
      if (!online) throw new FloeError('UNREACHABLE', 'the location is not connected; try again when it is Online');
    });
    const pending = await provisioner.submit(item('add'));
    expect([pending?.state, pending?.lastError?.code]).toEqual(['add', 'UNREACHABLE']);
    const modified = await provisioner.submit(item('modify'));
    expect([modified?.id, modified?.mode, modified?.state, modified?.attempts]).toEqual([pending?.id, 'add', 'add', 2]);
    online = true;
    expect((await provisioner.retry(pending?.id ?? '')).state).toBe('added');
    expect(() => provisioner.discard(pending?.id ?? '')).toThrow(/already applied/);
    online = false;
    const removal = await provisioner.submit(item('delete'));
    provisioner.discard(removal?.id ?? '');
    expect(provisioner.view().changes.map((change) => change.state)).toEqual(['added']);
  });

  it('an add then a delete of the same pending item cancels both', async () => {
    const { provisioner } = setup(async () => {
      throw new FloeError('UNREACHABLE', 'offline');
    });
    await provisioner.submit(item('add'));
    expect(await provisioner.submit(item('delete'))).toBeNull();
    expect(provisioner.view().changes).toEqual([]);
  });

  it('settles a registration from link events: refused leaves it pending, online applies it', () => {
    const { provisioner, undone, reconnected } = setup(async () => undefined);
    const settings = { name: 'hq-berlin', host: '127.0.0.1', port: 7443, fingerprint: `SHA256:${'AB:'.repeat(31)}AB` };
    provisioner.connectionChanged(LOCATION, settings, null);
    expect(provisioner.view().changes[0]?.state).toBe('adding');
    provisioner.linkEvent(LOCATION, { type: 'refused', reason: 'auth', detail: 'the token is not valid' });
    expect(provisioner.view().changes[0]).toMatchObject({ state: 'add', lastError: { code: 'AUTH_FAILED', message: 'the token is not valid' } });
    const id = provisioner.view().changes[0]?.id ?? '';
    void provisioner.retry(id);
    expect(reconnected).toEqual([LOCATION]);
    provisioner.linkEvent(LOCATION, { type: 'online', at: T0.toISOString(), hello: {} as never });
    expect(provisioner.view().changes[0]?.state).toBe('added');

    provisioner.connectionChanged(LOCATION, { ...settings, port: 7444 }, settings);
    provisioner.linkEvent(LOCATION, { type: 'unreachable', detail: 'cannot connect' });
    const edit = provisioner.view().changes[0];
    expect([edit?.state, edit?.mode]).toEqual(['modify', 'modify']);
    provisioner.discard(edit?.id ?? '');
    expect(undone).toEqual([[LOCATION, settings]]);
  });
});
