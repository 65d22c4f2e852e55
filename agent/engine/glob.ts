/**
 * Exclude patterns: `*` and `?` stay within a path component, `**` crosses components, `[abc]`
 * is a class. A pattern with a `/` matches the whole absolute path; one without matches any name.
 */
function toRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] ?? '';
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export type PathMatcher = (absolutePath: string) => boolean;

export function excludeMatcher(patterns: readonly string[]): PathMatcher {
  if (patterns.length === 0) return () => false; // the common case costs nothing per path
  const compiled = patterns.map((pattern) => ({ onPath: pattern.includes('/'), regex: toRegExp(pattern) }));
  return (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return compiled.some(({ onPath, regex }) => regex.test(onPath ? path : name));
  };
}
