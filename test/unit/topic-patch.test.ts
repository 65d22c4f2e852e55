/** Versioned topic patches: diff then apply gives the new value exactly, over JSON, for random values and edits. */
import { describe, expect, it } from 'vitest';
import { applyPatch, diffJson, TopicFollower, type Patch } from '../../shared/topic-patch.js';
import { seededRandom } from '../helpers/fuzz.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const KEYS = ['a', 'b', 'id', 'name', 'jobs', '__proto__', 'constructor', 'x'];

function randomJson(random: () => number, depth = 0): Json {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  switch (Math.floor(random() * (depth > 3 ? 4 : 7))) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 10);
    case 3:
      return pick(['', 'x', 'y', '<b>']);
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    case 5:
      // An array of objects with distinct ids (diffed by key).
      return Array.from({ length: Math.floor(random() * 5) }, (_, index) => ({ id: `j${index}-${Math.floor(random() * 3)}`, n: Math.floor(random() * 3) })).filter((item, index, all) => all.findIndex((other) => other.id === item.id) === index);
    default:
      return JSON.parse(JSON.stringify(Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(KEYS), randomJson(random, depth + 1)])))) as Json;
  }
}

/** A random edit of a value: change, add or delete a key, insert, remove or move an array element. */
function edit(random: () => number, value: Json, depth = 0): Json {
  if (random() < 0.2 || depth > 4) return randomJson(random, depth);
  if (Array.isArray(value)) {
    const next = [...value];
    const choice = Math.floor(random() * 4);
    if (choice === 0 && next.length > 0) next.splice(Math.floor(random() * next.length), 1);
    else if (choice === 1 && next.length > 1) next.push(next.shift() as Json);
    else if (choice === 2 && next.length > 0) {
      const index = Math.floor(random() * next.length);
      next[index] = edit(random, next[index] as Json, depth + 1);
    } else next.push(randomJson(random, depth + 1));
    return next;
  }
  if (value !== null && typeof value === 'object') {
    const next = JSON.parse(JSON.stringify(value)) as { [key: string]: Json };
    const keys = Object.keys(next);
    const key = keys.length > 0 && random() < 0.7 ? (keys[Math.floor(random() * keys.length)] as string) : KEYS[Math.floor(random() * KEYS.length)] as string;
    if (random() < 0.2) delete next[key];
    else Object.defineProperty(next, key, { value: edit(random, (Object.hasOwn(next, key) ? next[key] : null) as Json, depth + 1), enumerable: true, writable: true, configurable: true });
    return next;
  }
  return randomJson(random, depth);
}

const overJson = (patch: Patch): Patch => JSON.parse(JSON.stringify(patch)) as Patch;

describe('diffJson and applyPatch', () => {
  it.each([1, 2, 3, 42, 1234, 99_999])('rebuild every value of a random edit sequence exactly (seed %i)', (seed) => {
    const random = seededRandom(seed);
    let sent: Json = randomJson(random);
    let received: Json = JSON.parse(JSON.stringify(sent)) as Json;
    for (let step = 0; step < 300; step += 1) {
      const next = edit(random, sent);
      const patch = diffJson(sent, next);
      if (patch) received = applyPatch(received, overJson(patch));
      expect(received, `seed ${seed} step ${step}`).toEqual(next);
      sent = next;
    }
  });

  it('sends nothing for equal values and only the changed path otherwise; unchanged parts stay the same objects', () => {
    const jobs = [
      { id: 'j1', state: 'running', bytes: 10 },
      { id: 'j2', state: 'queued', bytes: 0 },
    ];
    const before = { seq: 1, devices: { media: [{ label: 'A' }] }, jobs: { active: jobs, recent: [] } };
    expect(diffJson(before, JSON.parse(JSON.stringify(before)))).toBeUndefined();
    const after = { ...before, seq: 2, jobs: { active: [jobs[1], { ...jobs[0], bytes: 20 }], recent: [] } };
    expect(diffJson(before, after)).toEqual({ o: { seq: { r: 2 }, jobs: { o: { active: { k: { j1: { o: { bytes: { r: 20 } } } }, ids: ['j2', 'j1'] } } } } });
    const applied = applyPatch(before, diffJson(before, after) as Patch);
    expect(applied).toEqual(after);
    expect(applied.devices).toBe(before.devices);
    expect(applied.jobs.active[0]).toBe(jobs[1]);
  });

  it('patches only the changed elements of a long keyed array in the same order, again and again', () => {
    let sent = Array.from({ length: 1000 }, (_, index) => ({ id: `loc-${index}`, n: 0 }));
    let received = sent;
    for (let step = 1; step <= 3; step += 1) {
      const next = sent.map((item, index) => (index % 250 === step ? { ...item, n: step } : item));
      const patch = diffJson(sent, next) as { k: Record<string, Patch> };
      expect(Object.keys(patch.k)).toEqual([`loc-${step}`, `loc-${250 + step}`, `loc-${500 + step}`, `loc-${750 + step}`]);
      expect(patch).not.toHaveProperty('ids');
      received = applyPatch(received, overJson(patch));
      expect(received).toEqual(next);
      sent = next;
    }
    // The same ids in another order, and a duplicate id, still diff correctly.
    const moved = [...sent.slice(1), sent[0] as { id: string; n: number }];
    expect(applyPatch(received, overJson(diffJson(sent, moved) as Patch))).toEqual(moved);
    const duplicate = sent.map((item, index) => (index === 1 ? { ...item, id: 'loc-0' } : item));
    expect(applyPatch(received, overJson(diffJson(sent, duplicate) as Patch))).toEqual(duplicate);
  });

  it('keeps a "__proto__" key as data, never as the prototype', () => {
    const before = JSON.parse('{"a":1}') as Record<string, unknown>;
    const after = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const result = applyPatch(before, overJson(diffJson(before, after) as Patch)) as Record<string, unknown>;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect((result as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('diffJson of objects (unchanged keys compared inline)', () => {
  it('finds a replaced, added or deleted key also when the key count stays the same, and ignores undefined values', () => {
    expect(diffJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toEqual({ o: { c: { r: 2 } }, d: ['b'] });
    expect(diffJson({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(diffJson({ a: 1 }, { a: 1, b: undefined })).toBeUndefined();
    expect(diffJson({ a: 1, b: undefined }, { a: 1, b: 3 })).toEqual({ o: { b: { r: 3 } } });
    expect(diffJson({ a: 1, b: 2 }, { a: 1, b: undefined })).toEqual({ o: {}, d: ['b'] });
    expect(diffJson({ a: null, s: 'x' }, { a: 0, s: 'x' })).toEqual({ o: { a: { r: 0 } } });
  });

  it('tells 0 from -0 as before, and an inherited name from an own key', () => {
    expect(diffJson({ n: 0 }, { n: -0 })).toEqual({ o: { n: { r: -0 } } });
    expect(diffJson({ n: -0 }, { n: -0 })).toBeUndefined();
    expect(diffJson({}, { constructor: 1, toString: 'x' })).toEqual({ o: { constructor: { r: 1 }, toString: { r: 'x' } } });
    expect(diffJson({ constructor: 1 }, {})).toEqual({ o: {}, d: ['constructor'] });
  });
});

describe('TopicFollower', () => {
  it('applies a whole value, then patches that follow on; drops older pushes; reports a gap', () => {
    const follower = new TopicFollower<{ n: number }>();
    expect(follower.follow({ version: 3, base: 2, patch: { o: { n: { r: 1 } } } })).toBe('gap');
    expect(follower.follow({ version: 3, base: null, patch: { r: { n: 1 } } })).toBe('applied');
    expect(follower.follow({ version: 4, base: 3, patch: { o: { n: { r: 2 } } } })).toBe('applied');
    expect(follower.value).toEqual({ n: 2 });
    expect(follower.follow({ version: 4, base: 3, patch: { o: { n: { r: 9 } } } })).toBe('stale');
    expect(follower.follow({ version: 6, base: 5, patch: { o: { n: { r: 9 } } } })).toBe('gap');
    expect(follower.follow({ version: 5, base: 4, patch: { a: {} } })).toBe('gap'); // does not fit the value
    expect(follower.value).toEqual({ n: 2 });
    expect(follower.version).toBe(4);
  });
});
