// What several rule files read the same way.
import { parseJson } from '../_json';
import * as facts from '../cni/facts';
import { MountEntry, MountTable } from '../mount-table';
import { HostPath, PodPath } from '../paths';
import { Obj, ThickDaemon, tryPod } from './_model';

export function configValue(d: ThickDaemon, key: string, def?: string): { value: string; isDefault: boolean } | undefined {
  const v = d.config?.[key];
  if (typeof v === 'string' && v !== '') return { value: v, isDefault: false };
  return def === undefined ? undefined : { value: def, isDefault: true };
}

export function configField(key: string): string {
  return `data["${facts.MULTUS_DAEMON_CONFIG_KEY}"].${key}`;
}

/**
 * The pod path at which a container sees a host path through a mount of that dir, not through a
 * mount of the whole host root (which shows everything, and is the daemon's chroot, not a view).
 */
export function dedicatedView(mounts: MountTable, host: HostPath): PodPath | undefined {
  return MountTable.of(mounts.entries.filter((e) => !e.hostPath?.isSame(HostPath.ROOT))).toPod(host);
}

/**
 * The mount whose pod prefix a host-space value carries: a mount at a path other than its host
 * path (such as host /run at /host/run) under which the value lies.
 */
export function podPrefixIn(mounts: MountTable, value: string): MountEntry | undefined {
  const pod = tryPod(value);
  if (!pod) return undefined;
  const m = mounts.mountAt(pod);
  return m?.hostPath && m.hostPath.path !== m.mountPath.path ? m : undefined;
}

/** A NAD's spec.config, parsed once for all the rules. */
export function readConfig(nad: Obj): { readonly value?: unknown; readonly error?: string } {
  nad.parsedConfig ??= parseConfig(nad.manifest.spec?.config);
  return nad.parsedConfig;
}

export function parseConfig(text: unknown): { value?: unknown; error?: string } {
  if (typeof text !== 'string') return {};
  try {
    return { value: parseJson(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A NAD's parsed CNI config, or undefined when it has none or it is not a JSON object. */
export function parsedConfig(nad: Obj): any {
  const value = readConfig(nad).value;
  return typeof value === 'object' && value !== null ? value : undefined;
}

export function nadKey(nad: Obj): string {
  return `${nad.namespace ?? 'default'}/${nad.name}`;
}

/** The object a finding about a daemon's config is reported against: its ConfigMap, or the daemon when it has none. */
export function holder(d: ThickDaemon): Obj {
  return d.configMap ?? d.owner;
}
