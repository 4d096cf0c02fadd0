import * as fs from 'fs';
import * as path from 'path';

/** Files larger than this are not read: every file doctor reads is a small config. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Links followed before a path is called a loop (Linux's own limit). */
const MAX_LINKS = 40;

/** What a host path is, once its links are followed inside the root. */
export interface Resolved {
  /** The host path it leads to (absolute links resolved against the root, not this machine). */
  readonly real?: string;
  readonly stat?: fs.Stats;
  /** Why it leads nowhere: `ENOENT` (missing or a dangling link), `ELOOP`, or another error code. */
  readonly error?: string;
}

/**
 * A node's file system, read through a root dir (`/` on the node itself, `/host` in a pod that
 * mounts the host's root there). Every path given and returned is a host path; absolute symlinks
 * are resolved against the root, as the node's own programs see them. Read-only: nothing here
 * writes, and what could not be read (other than a missing file) is recorded in `unreadable`.
 */
export class HostRoot {
  /** Host paths that exist but could not be read, with the reason. */
  public readonly unreadable: string[] = [];

  public constructor(public readonly root: string) {}

  /** The path on this machine of a host path, without following links. */
  public local(hostPath: string): string {
    return path.join(this.root, hostPath);
  }

  /** Follows every link in `hostPath` inside the root. */
  public resolve(hostPath: string): Resolved {
    let todo = splitPath(hostPath);
    let done: string[] = [];
    let links = 0;
    while (todo.length > 0) {
      const part = todo.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const here = '/' + [...done, part].join('/');
      let st: fs.Stats;
      try {
        st = fs.lstatSync(this.local(here));
      } catch (e) {
        return { error: errorCode(e) };
      }
      if (!st.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++links > MAX_LINKS) return { error: 'ELOOP' };
      let target: string;
      try {
        target = fs.readlinkSync(this.local(here));
      } catch (e) {
        return { error: errorCode(e) };
      }
      todo = [...splitPath(target), ...todo];
      if (target.startsWith('/')) done = [];
    }
    const real = '/' + done.join('/');
    try {
      return { real, stat: fs.statSync(this.local(real)) };
    } catch (e) {
      return { error: errorCode(e) };
    }
  }

  /** The host path's status with its links followed, or undefined when it leads nowhere. */
  public stat(hostPath: string): fs.Stats | undefined {
    return this.resolve(hostPath).stat;
  }

  /** The status of the path itself (a link is a link), or undefined when it is absent. */
  public lstat(hostPath: string): fs.Stats | undefined {
    const local = this.localOfEntry(hostPath);
    if (local === undefined) return undefined;
    try {
      return fs.lstatSync(local);
    } catch (e) {
      this.noteUnlessMissing(hostPath, e);
      return undefined;
    }
  }

  /** The text of a regular file, or undefined when it is absent (or unreadable, which is recorded). */
  public readText(hostPath: string): string | undefined {
    const r = this.resolve(hostPath);
    if (!r.stat) {
      if (r.error && !['ENOENT', 'ENOTDIR'].includes(r.error)) this.unreadable.push(`${hostPath}: ${r.error}`);
      return undefined;
    }
    if (!r.stat.isFile()) {
      this.unreadable.push(`${hostPath}: not a regular file`);
      return undefined;
    }
    if (r.stat.size > MAX_FILE_BYTES) {
      this.unreadable.push(`${hostPath}: ${r.stat.size} bytes, more than the ${MAX_FILE_BYTES} read`);
      return undefined;
    }
    try {
      return fs.readFileSync(this.local(r.real!), 'utf8');
    } catch (e) {
      this.noteUnlessMissing(hostPath, e);
      return undefined;
    }
  }

  /** The names in a dir, sorted by bytes as Go's sort.Strings does; undefined when it is absent. */
  public readDir(hostPath: string): string[] | undefined {
    const r = this.resolve(hostPath);
    if (!r.stat?.isDirectory()) {
      if (r.error && !['ENOENT', 'ENOTDIR'].includes(r.error)) this.unreadable.push(`${hostPath}: ${r.error}`);
      return undefined;
    }
    try {
      return fs.readdirSync(this.local(r.real!)).sort(byteOrder);
    } catch (e) {
      this.noteUnlessMissing(hostPath, e);
      return undefined;
    }
  }

  /** The target of a symlink, as written in it, or undefined when the path is not a link. */
  public readLink(hostPath: string): string | undefined {
    const local = this.localOfEntry(hostPath);
    if (local === undefined) return undefined;
    try {
      return fs.readlinkSync(local);
    } catch {
      return undefined;
    }
  }

  /**
   * The path on this machine of a dir entry itself: its dir's links followed inside the root (an
   * absolute link such as k3s's data/current must not be followed on this machine), the entry not.
   */
  private localOfEntry(hostPath: string): string | undefined {
    const dir = this.resolve(path.posix.dirname(hostPath));
    return dir.real === undefined ? undefined : this.local(path.posix.join(dir.real, path.posix.basename(hostPath)));
  }

  private noteUnlessMissing(hostPath: string, e: unknown): void {
    const code = errorCode(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') this.unreadable.push(`${hostPath}: ${code}`);
  }
}

/** Compares strings by their UTF-8 bytes, the order of Go's sort.Strings. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/* eslint-disable no-bitwise */
/** The permission bits of a file (`0644`), as a number. */
export function permissionBits(stat: fs.Stats): number {
  return stat.mode & 0o7777;
}

/** Whether anyone may execute the file. */
export function isExecutable(stat: fs.Stats): boolean {
  return stat.isFile() && (stat.mode & 0o111) !== 0;
}

/** Whether users other than the owner may read or write the file. */
export function groupOrOtherAccess(stat: fs.Stats): boolean {
  return (stat.mode & 0o077) !== 0;
}
/* eslint-enable no-bitwise */
