// What several rule files read the same way.
import { parseJson } from '../_json';
import * as facts from '../cni/facts';
import { MountEntry, MountTable } from '../mount-table';
import { HostPath, PodPath } from '../paths';
import type { CannotJudge } from './_define';
import { Model, Obj, ThickDaemon, tryPod } from './_model';

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

/**
 * The plugin entries of a NAD's config, each with the field it is found at: a conflist's
 * `spec.config.plugins[i]`, or the config itself at `spec.config`.
 */
export function pluginEntries(config: any): { plugin: any; field: string; index: number }[] {
  return Array.isArray(config?.plugins)
    ? config.plugins.map((plugin: any, index: number) => ({ plugin, field: `spec.config.plugins[${index}]`, index }))
    : [{ plugin: config, field: 'spec.config', index: 0 }];
}

export function nadKey(nad: Obj): string {
  return `${nad.namespace ?? 'default'}/${nad.name}`;
}

/** The object a finding about a daemon's config is reported against: its ConfigMap, or the daemon when it has none. */
export function holder(d: ThickDaemon): Obj {
  return d.configMap ?? d.owner;
}

/**
 * The daemons whose config a rule that also needs the daemon's mounts can judge. What it cannot
 * judge is noted: a daemon whose ConfigMap is not in the input, and a daemon config that no
 * daemon of the input mounts (its paths are pod paths of a container that is not there).
 */
export function daemonsWithConfig(m: Model, cannotJudge: CannotJudge, keys: string): ThickDaemon[] {
  noteMissingConfigMaps(m, cannotJudge, keys);
  for (const lone of m.loneDaemonConfigs) {
    cannotJudge(lone.configMap, {
      field: `data["${facts.MULTUS_DAEMON_CONFIG_KEY}"]`,
      missing: `no Multus daemon in the input mounts this ConfigMap, and ${keys} can only be judged through the mounts of the daemon's container; lint the DaemonSet with it`,
    });
  }
  return m.daemons.filter((d) => d.config);
}

/** A daemon config, the object a finding about it is reported against, and its daemon when the input has it. */
export interface JudgedConfig {
  readonly holder: Obj;
  readonly config: { [key: string]: any };
  readonly daemon?: ThickDaemon;
}

/** Every daemon config a rule that reads the config alone can judge: the daemons' and the lone ones. */
export function configsToJudge(m: Model, cannotJudge: CannotJudge, keys: string): JudgedConfig[] {
  noteMissingConfigMaps(m, cannotJudge, keys);
  return [
    ...m.daemons.filter((d) => d.config).map((d) => ({ holder: holder(d), config: d.config!, daemon: d })),
    ...m.loneDaemonConfigs.filter((l) => l.config).map((l) => ({ holder: l.configMap, config: l.config! })),
  ];
}

function noteMissingConfigMaps(m: Model, cannotJudge: CannotJudge, keys: string): void {
  for (const d of m.daemons) {
    if (!d.configMissing) continue;
    cannotJudge(d.owner, {
      field: d.configMissing.field,
      missing: `the daemon reads ${d.configPath} from ConfigMap "${d.configMissing.configMapName}", which is not in the input, so ${keys} cannot be judged; lint the ConfigMap with it`,
    });
  }
}
