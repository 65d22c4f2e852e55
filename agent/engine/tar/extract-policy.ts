/**
 * The rules safe-extract applies to every member before tar may see it. Decisions use the member
 * names as GNU tar will use them, what this stream has already created, and (once per directory)
 * what already exists under the target, so nothing is ever written outside the target:
 *   - no absolute names, no '..' components, no NUL bytes;
 *   - no member below a symlink (made earlier in this stream or already under the target), and no
 *     member below something that is not a directory;
 *   - symlinks whose target is absolute, escapes the target or passes through another symlink are
 *     skipped;
 *   - hard links must name a regular file accepted earlier from this stream;
 *   - devices, FIFOs and unknown types are skipped; link and directory members carrying data too;
 *   - caps: maxEntries, maxTotalBytes, maxDepth stop the restore (TarLimitError); an entry over
 *     maxEntryBytes or a name over maxPathBytes is skipped.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { TarLimitError, type TarEntry } from './entry.js';

export interface ExtractLimits {
  /** Members read (accepted or not) before the restore stops. */
  maxEntries: number;
  /** Largest logical size of one member; larger members are skipped. */
  maxEntryBytes: number;
  /** Logical bytes of all accepted members before the restore stops. */
  maxTotalBytes: number;
  /** Most path components in a member name before the restore stops. */
  maxDepth: number;
  /** Longest member name or symlink target in bytes; longer ones are skipped. */
  maxPathBytes: number;
}

/** Defaults for a restore with no better knowledge; a restore job should pass the catalog's own counts. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxEntries: 5_000_000,
  maxEntryBytes: 1024 ** 4,
  maxTotalBytes: 16 * 1024 ** 4,
  maxDepth: 256,
  maxPathBytes: 4095,
};

/** On acceptance, `path` is the member's normalised name (no leading './', no '' or '.' components; '' for the target itself). */
export type Decision = { accept: true; path: string } | { accept: false; reason: string | null };

/** stream: created by this restore; disk: found under the target before this restore touched it. */
type Kind = 'dir' | 'file' | 'symlink' | 'other' | 'absent';

export class ExtractPolicy {
  private readonly known = new Map<string, Kind>();
  private readonly fromStream = new Set<string>();
  private entries = 0;
  private totalBytes = 0;
  /** A parent all of whose prefixes are known directories (members of one directory come in runs). */
  private cleanParent: string | null = null;

  constructor(
    private readonly target: string,
    private readonly limits: ExtractLimits,
    private readonly select?: (path: string) => boolean,
  ) {}

  /** Accept, skip (reason null: not selected) or throw TarLimitError to stop the restore. */
  decide(entry: TarEntry): Decision {
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new TarLimitError(`the archive has more than maxEntries (${this.limits.maxEntries}) members; the restore was stopped. If the saveset really holds that many files, raise maxEntries`);
    }
    const parts = nameParts(entry.path);
    if (typeof parts === 'string') return skip(parts);
    if (parts.length > this.limits.maxDepth) {
      throw new TarLimitError(`"${entry.path.slice(0, 200)}…" is ${parts.length} directories deep, more than maxDepth (${this.limits.maxDepth}); the restore was stopped`);
    }
    if (Buffer.byteLength(entry.path) > this.limits.maxPathBytes) return skip(`its name is longer than maxPathBytes (${this.limits.maxPathBytes} bytes)`);
    const path = parts.join('/');
    if (parts.length === 0) return entry.type === 'directory' && entry.storedSize === 0 ? { accept: true, path } : skip('it names the target directory itself');
    if (this.select && !this.select(path)) return { accept: false, reason: null };
    if (entry.type === 'other') return skip(`member type '${printable(entry.typeflag)}' (device, FIFO or unknown) is not restored`);
    if (entry.type !== 'file' && entry.storedSize > 0) return skip(`a ${entry.type} member must not carry data, this one declares ${entry.storedSize} bytes`);
    if (entry.size > this.limits.maxEntryBytes) return skip(`it declares ${entry.size} bytes, more than maxEntryBytes (${this.limits.maxEntryBytes})`);
    const parent = parts.length > 1 ? path.slice(0, path.length - (parts[parts.length - 1] as string).length - 1) : '';
    if (parent !== '' && parent !== this.cleanParent) {
      const parentProblem = this.parentProblem(parts);
      if (parentProblem) return skip(parentProblem);
    }
    // Only a directory cares what is already there (files, links and symlinks replace it, never write through).
    const self = entry.type === 'directory' ? this.kindOf(path) : null;
    if (self === 'symlink' || self === 'other') return skip(`"${path}" is already a ${self === 'symlink' ? 'symlink' : 'special file'}; a directory is not restored over it`);
    if (entry.type === 'symlink') {
      const problem = this.symlinkProblem(parts, entry.linkTarget ?? '');
      if (problem) return skip(problem);
    }
    if (entry.type === 'hardlink') {
      const problem = this.hardlinkProblem(path, entry.linkTarget ?? '');
      if (problem) return skip(problem);
    }
    this.totalBytes += entry.size;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new TarLimitError(`the archive holds more than maxTotalBytes (${this.limits.maxTotalBytes}) bytes; the restore was stopped at "${path}"`);
    }
    this.record(parts, path, parent, entry.type);
    return { accept: true, path };
  }

  private parentProblem(parts: readonly string[]): string | null {
    let prefix = '';
    for (let index = 0; index < parts.length - 1; index++) {
      prefix = index === 0 ? (parts[0] as string) : `${prefix}/${parts[index] as string}`;
      const kind = this.kindOf(prefix);
      if (kind === 'symlink') return `its parent "${prefix}" is a symlink; nothing is written through symlinks`;
      if (kind === 'file' || kind === 'other') return `its parent "${prefix}" is not a directory`;
    }
    return null;
  }

  private symlinkProblem(parts: readonly string[], target: string): string | null {
    if (target === '') return 'the symlink has an empty target';
    if (target.includes('\0')) return 'the symlink target contains a NUL byte';
    if (Buffer.byteLength(target) > this.limits.maxPathBytes) return `the symlink target is longer than maxPathBytes (${this.limits.maxPathBytes} bytes)`;
    if (target.startsWith('/')) return `the symlink points to an absolute path (${target.slice(0, 200)})`;
    const stack = parts.slice(0, -1);
    const steps = target.split('/').filter((step) => step !== '' && step !== '.');
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index] as string;
      if (step === '..') {
        if (stack.length === 0) return `the symlink target "${target.slice(0, 200)}" points outside the restore target`;
        stack.pop();
        continue;
      }
      stack.push(step);
      if (index < steps.length - 1 && this.kindOf(stack.join('/')) === 'symlink') {
        return `the symlink target "${target.slice(0, 200)}" passes through another symlink ("${stack.join('/')}")`;
      }
    }
    return null;
  }

  private hardlinkProblem(path: string, target: string): string | null {
    const parts = nameParts(target);
    if (typeof parts === 'string') return `the hard link target "${target.slice(0, 200)}" is not allowed: ${parts}`;
    const name = parts.join('/');
    if (name === path) return 'the hard link points to itself';
    const kind = this.fromStream.has(name) ? this.known.get(name) : undefined;
    if (kind === 'file') return null;
    if (kind === 'symlink') return `the hard link target "${name}" is a symlink`;
    if (kind === 'dir') return `the hard link target "${name}" is a directory`;
    return `the hard link target "${name}" was not restored earlier from this archive`;
  }

  private kindOf(path: string): Kind {
    const known = this.known.get(path);
    if (known !== undefined) return known;
    const stat = lstatSync(join(this.target, path), { throwIfNoEntry: false });
    const kind: Kind = !stat ? 'absent' : stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
    this.known.set(path, kind);
    return kind;
  }

  private record(parts: readonly string[], path: string, parent: string, type: TarEntry['type']): void {
    if (parent !== this.cleanParent) {
      let prefix = '';
      for (let index = 0; index < parts.length - 1; index++) {
        prefix = index === 0 ? (parts[0] as string) : `${prefix}/${parts[index] as string}`;
        if (this.known.get(prefix) === 'absent') this.known.set(prefix, 'dir');
      }
      // parentProblem found every prefix a directory or absent; now each is a directory.
      this.cleanParent = parent === '' ? null : parent;
    }
    if (this.known.get(path) === 'symlink') return; // once a symlink, always treated as one
    const kind = type === 'directory' ? 'dir' : type === 'symlink' ? 'symlink' : 'file';
    this.known.set(path, kind);
    this.fromStream.add(path);
    const clean = this.cleanParent;
    if (kind !== 'dir' && clean !== null && (clean === path || clean.startsWith(`${path}/`))) this.cleanParent = null;
  }
}

/** The components of a member name (without '' and '.'), or why the name is refused. */
export function nameParts(name: string): string[] | string {
  if (name.includes('\0')) return 'the name contains a NUL byte';
  if (name.startsWith('/')) return 'absolute path';
  const parts = name.split('/');
  let plain = true;
  for (const part of parts) {
    if (part === '..') return "the name contains a '..' component";
    if (part === '' || part === '.') plain = false;
  }
  return plain ? parts : parts.filter((part) => part !== '' && part !== '.');
}

function skip(reason: string): Decision {
  return { accept: false, reason };
}

function printable(typeflag: string): string {
  return /^[\x21-\x7e]$/.test(typeflag) ? typeflag : `\\x${typeflag.charCodeAt(0).toString(16)}`;
}
