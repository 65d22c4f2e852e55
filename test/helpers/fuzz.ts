/** Random JSON-ish values for fuzzing, from a seeded generator so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const NASTY_STRINGS = ['', ' ', '../../etc/passwd', '/', '\u0000', '<img src=x onerror=alert(1)>', '__proto__', 'constructor', '💥'.repeat(50), 'a'.repeat(5000), '-1', 'NaN', 'DAILY00001', 'lib1'];
const NASTY_NUMBERS = [0, -1, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1e308, 65536, 7];
const KEYS = ['name', 'loader', 'slot', 'drive', 'from', 'to', 'pool', 'label', 'task', 'type', 'id', 'text', 'saveset', 'paths', 'refresh', 'force', '__proto__', 'constructor', 'extra'];

export function randomValue(random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  switch (Math.floor(random() * (depth > 2 ? 5 : 7))) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(NASTY_NUMBERS);
    case 3:
      return pick(NASTY_STRINGS);
    case 4:
      return random() < 0.5 ? undefined : Math.floor(random() * 100);
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i -= 1) object[pick(KEYS)] = randomValue(random, depth + 1);
      return object;
    }
  }
}
