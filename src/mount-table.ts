import { asArray } from './_json';
import { HostPath, PodPath } from './paths';

/**
 * One entry of a container's mount table: a volumeMount joined with the volume it mounts.
 */
export interface MountEntry {
  /** Where the volume appears in the container. */
  readonly mountPath: PodPath;
  /** The name of the volume. */
  readonly volumeName: string;
  /**
   * The host directory or file that appears at `mountPath` (a `hostPath` volume, `subPath` applied).
   * @default - the volume is not a host path (ConfigMap, Secret, emptyDir, ...)
   */
  readonly hostPath?: HostPath;
  /**
   * The ConfigMap the volume projects.
   * @default - not a ConfigMap volume
   */
  readonly configMapName?: string;
  /**
   * For a ConfigMap volume: file name in the volume to ConfigMap key. Without `items`, every key
   * appears under its own name, which this map shows as `{ "*": "*" }`.
   * @default - not a ConfigMap volume
   */
  readonly configMapFiles?: { [file: string]: string };
  /** Whether the mount is read-only. */
  readonly readOnly: boolean;
  /**
   * The mount propagation mode, as written in the manifest.
   * @default - none (private)
   */
  readonly propagation?: string;
}

/**
 * The mount table of one container: the only way this library turns a pod path into the host path
 * it means, or a host path into the pod path at which a container sees it.
 */
export class MountTable {
  /**
   * The mount table of a container in a pod spec, as it is written in a manifest.
   *
   * Malformed entries (a mount without a matching volume, a relative path) are left out; they are
   * not mounts that a container would get.
   *
   * @param podSpec the pod spec (`spec.template.spec` of a workload), in Kubernetes JSON form
   * @param containerName the name of a container or init container in it
   */
  public static fromPodSpec(podSpec: any, containerName: string): MountTable {
    const containers = [...asArray(podSpec?.initContainers), ...asArray(podSpec?.containers)];
    const container = containers.find((c) => c?.name === containerName);
    if (!container) {
      throw new Error(`the pod spec has no container named ${JSON.stringify(containerName)}`);
    }
    const volumes = new Map<string, any>();
    for (const v of asArray(podSpec?.volumes)) {
      if (typeof v?.name === 'string') volumes.set(v.name, v);
    }
    const entries: MountEntry[] = [];
    for (const m of asArray(container.volumeMounts)) {
      const volume = volumes.get(m?.name);
      if (!volume || typeof m.mountPath !== 'string') continue;
      const mountPath = tryPath(() => PodPath.of(m.mountPath));
      if (!mountPath) continue;
      const subPath = typeof m.subPath === 'string' && m.subPath !== '' ? m.subPath : undefined;
      let hostPath: HostPath | undefined;
      if (typeof volume.hostPath?.path === 'string') {
        hostPath = tryPath(() => (subPath ? HostPath.of(volume.hostPath.path).join(subPath) : HostPath.of(volume.hostPath.path)));
        // A host path that cannot be read (relative, "..", NUL) is no mount a container gets.
        if (!hostPath) continue;
      }
      let configMapFiles: { [file: string]: string } | undefined;
      if (volume.configMap) {
        const items = asArray(volume.configMap.items);
        configMapFiles = {};
        if (items.length === 0) configMapFiles['*'] = '*';
        for (const item of items) {
          if (typeof item?.key === 'string' && typeof item?.path === 'string') configMapFiles[item.path] = item.key;
        }
      }
      entries.push({
        mountPath,
        volumeName: m.name,
        hostPath,
        configMapName: volume.configMap?.name,
        configMapFiles,
        readOnly: m.readOnly === true,
        propagation: typeof m.mountPropagation === 'string' ? m.mountPropagation : undefined,
      });
    }
    return new MountTable(entries);
  }

  /**
   * A mount table from its entries.
   */
  public static of(entries: MountEntry[]): MountTable {
    return new MountTable(entries);
  }

  /** The entries, in the order they were given. */
  public readonly entries: MountEntry[];

  private constructor(entries: MountEntry[]) {
    this.entries = [...entries];
  }

  /**
   * The mount that a pod path lies in: the entry with the longest `mountPath` at or above it.
   * @returns undefined when the path lies in the container image, under no mount
   */
  public mountAt(path: PodPath): MountEntry | undefined {
    let best: MountEntry | undefined;
    for (const e of this.entries) {
      if (path.isWithin(e.mountPath) && (!best || e.mountPath.path.length > best.mountPath.path.length)) {
        best = e;
      }
    }
    return best;
  }

  /**
   * The host path that a pod path means in this container.
   * @returns undefined when the path is under no mount, or under a mount that is not a host path
   */
  public toHost(path: PodPath): HostPath | undefined {
    const mount = this.mountAt(path);
    if (!mount?.hostPath) return undefined;
    const rest = path.relativeTo(mount.mountPath)!;
    return rest === '' ? mount.hostPath : mount.hostPath.join(rest);
  }

  /**
   * The pod path at which this container sees a host path: the most specific host mount that
   * contains it, provided no other mount hides that pod path.
   * @returns undefined when no mount of this container shows the host path
   */
  public toPod(path: HostPath): PodPath | undefined {
    const candidates = this.entries
      .filter((e) => e.hostPath && path.isWithin(e.hostPath))
      .sort((a, b) => b.hostPath!.path.length - a.hostPath!.path.length);
    for (const e of candidates) {
      const rest = path.relativeTo(e.hostPath!)!;
      const pod = rest === '' ? e.mountPath : e.mountPath.join(rest);
      if (this.toHost(pod)?.isSame(path)) return pod;
    }
    return undefined;
  }

  /** Whether `path` is exactly the mount point of a volume. */
  public isMountPoint(path: PodPath): boolean {
    return this.entries.some((e) => e.mountPath.isSame(path));
  }
}

/** A path parsed from a manifest, or undefined when it is not one the path types accept. */
function tryPath<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}
