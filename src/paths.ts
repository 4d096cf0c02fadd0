import { posix } from 'path';

/**
 * Normalizes an absolute POSIX path and explains what is wrong with it when it is not one.
 * @internal
 */
export function _normalizeAbsolute(kind: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${kind} must be a non-empty absolute path, got ${JSON.stringify(value)}`);
  }
  if (!value.startsWith('/')) {
    throw new Error(`${kind} must be absolute (start with "/"), got ${JSON.stringify(value)}`);
  }
  if (value.split('/').includes('..')) {
    throw new Error(`${kind} must not contain "..", got ${JSON.stringify(value)}; write the path it leads to`);
  }
  if (/[\0\n]/.test(value)) {
    throw new Error(`${kind} must not contain NUL or newline characters, got ${JSON.stringify(value)}`);
  }
  const normal = posix.normalize(value);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** The path of `child` relative to `parent`, or undefined when `child` is not at or below it. */
function relativeUnder(parent: string, child: string): string | undefined {
  if (parent === child) return '';
  const prefix = parent === '/' ? '/' : parent + '/';
  return child.startsWith(prefix) ? child.slice(prefix.length) : undefined;
}

/**
 * A path on the node, as containerd, kubelet and the CNI plugins they execute see it.
 *
 * Host paths and pod paths are different types: a pod path means a host path only through the
 * mount table of one container (see `MountTable`).
 */
export class HostPath {
  /** The root of the node's file system. */
  public static readonly ROOT = new HostPath('/');

  /**
   * A host path from its text.
   * @param path an absolute path; normalized (duplicate and trailing slashes removed)
   * @param field the option it comes from, named in the error when it is not a path (`K3sLayout: dataDir`)
   */
  public static of(path: string, field?: string): HostPath {
    return new HostPath(_normalizeAbsolute(field ? `${field}: a host path` : 'a host path', path));
  }

  /** The normalized absolute path. */
  public readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** This path extended by relative segments, e.g. `confDir.join('multus.d')`. */
  public join(...segments: string[]): HostPath {
    for (const s of segments) {
      if (s.startsWith('/')) throw new Error(`HostPath.join takes relative segments, got ${JSON.stringify(s)}`);
    }
    return HostPath.of(posix.join(this.path, ...segments));
  }

  /** The directory that holds this path. */
  public get parent(): HostPath {
    return HostPath.of(posix.dirname(this.path));
  }

  /** The last segment of the path. */
  public get basename(): string {
    return posix.basename(this.path);
  }

  /** Whether this path is `other` or lies below it. */
  public isWithin(other: HostPath): boolean {
    return relativeUnder(other.path, this.path) !== undefined;
  }

  /** The part of this path below `parent` ('' when equal), or undefined when it is not below it. */
  public relativeTo(parent: HostPath): string | undefined {
    return relativeUnder(parent.path, this.path);
  }

  /** Whether both name the same host path. */
  public isSame(other: HostPath): boolean {
    return this.path === other.path;
  }

  public toString(): string {
    return this.path;
  }
}

/**
 * A path inside a container, as the process in it sees it through its mount table.
 */
export class PodPath {
  /**
   * A pod path from its text.
   * @param path an absolute path; normalized (duplicate and trailing slashes removed)
   * @param field the option it comes from, named in the error when it is not a path
   */
  public static of(path: string, field?: string): PodPath {
    return new PodPath(_normalizeAbsolute(field ? `${field}: a pod path` : 'a pod path', path));
  }

  /** The normalized absolute path. */
  public readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** This path extended by relative segments. */
  public join(...segments: string[]): PodPath {
    for (const s of segments) {
      if (s.startsWith('/')) throw new Error(`PodPath.join takes relative segments, got ${JSON.stringify(s)}`);
    }
    return PodPath.of(posix.join(this.path, ...segments));
  }

  /** The directory that holds this path. */
  public get parent(): PodPath {
    return PodPath.of(posix.dirname(this.path));
  }

  /** Whether this path is `other` or lies below it. */
  public isWithin(other: PodPath): boolean {
    return relativeUnder(other.path, this.path) !== undefined;
  }

  /** The part of this path below `parent` ('' when equal), or undefined when it is not below it. */
  public relativeTo(parent: PodPath): string | undefined {
    return relativeUnder(parent.path, this.path);
  }

  /** Whether both name the same pod path. */
  public isSame(other: PodPath): boolean {
    return this.path === other.path;
  }

  public toString(): string {
    return this.path;
  }
}
