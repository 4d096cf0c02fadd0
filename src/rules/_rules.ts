import { attachmentProblem, networkFacts } from '../_attachment';
import * as facts from '../_facts';
import { parseIp } from '../_ip';
import { asArray } from '../_json';
import { Ipam } from '../ipam';
import { MountEntry, MountTable } from '../mount-table';
import { HostPath, PodPath } from '../paths';
import { flagValue, Model, Obj, podSpecOf, ThickDaemon, tryHost, tryPod } from './_model';
import { Finding, Severity } from './finding';

/** One check: a stable id, what it catches, and the function that finds it. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  /** The failure seen in the field that it answers. */
  readonly catches: string;
  readonly check: (model: Model) => Finding[];
}

const E = Severity.ERROR;

/** Pod-space fields of daemon-config.json that name host state, with their upstream defaults. */
const POD_STATE_FIELDS: { key: string; default?: string }[] = [
  { key: 'chrootDir' },
  { key: 'cniConfigDir', default: '/etc/cni/net.d' },
  { key: 'multusAutoconfigDir' },
  { key: 'socketDir', default: facts.MULTUS_DEFAULT_SOCKET_DIR },
  { key: 'confDir', default: facts.MULTUS_DEFAULT_CONF_DIR },
  { key: 'cniDir', default: facts.MULTUS_DEFAULT_CNI_DIR },
  { key: 'readinessindicatorfile' },
];

function configValue(d: ThickDaemon, key: string, def?: string): { value: string; isDefault: boolean } | undefined {
  const v = d.config?.[key];
  if (typeof v === 'string' && v !== '') return { value: v, isDefault: false };
  return def === undefined ? undefined : { value: def, isDefault: true };
}

function configField(key: string): string {
  return `data["${facts.MULTUS_DAEMON_CONFIG_KEY}"].${key}`;
}

/** Findings against the ConfigMap that holds a daemon's config (or the daemon when it has none). */
function at(m: Model, d: ThickDaemon, id: string, f: Omit<Finding, 'ruleId' | 'severity' | 'kind' | 'namespace' | 'name' | 'source'>, severity = E): Finding {
  return m.finding(d.configMap ?? d.owner, id, severity, f);
}

/** Where a daemon field should point on the host, when the layout says. */
function intendedHost(m: Model, key: string): HostPath | undefined {
  switch (key) {
    case 'chrootDir': return HostPath.ROOT;
    case 'cniConfigDir':
    case 'multusAutoconfigDir': return m.layout.confDir;
    case 'readinessindicatorfile': return m.layout.readinessIndicatorFile;
    default: return undefined;
  }
}

/**
 * The pod path at which a container sees a host path through a mount of that dir, not through a
 * mount of the whole host root (which shows everything, and is the daemon's chroot, not a view).
 */
function dedicatedView(mounts: MountTable, host: HostPath): PodPath | undefined {
  return MountTable.of(mounts.entries.filter((e) => !e.hostPath?.isSame(HostPath.ROOT))).toPod(host);
}

/**
 * The mount whose pod prefix a host-space value carries: a mount at a path other than its host
 * path (such as host /run at /host/run) under which the value lies.
 */
function podPrefixIn(mounts: MountTable, value: string): MountEntry | undefined {
  const pod = tryPod(value);
  if (!pod) return undefined;
  const m = mounts.mountAt(pod);
  return m?.hostPath && m.hostPath.path !== m.mountPath.path ? m : undefined;
}

const podPathMounted: Rule = {
  id: 'pod-path-mounted',
  severity: E,
  summary: 'Every pod-space path in daemon-config.json that names host state lies under a volumeMount of the daemon container.',
  catches: '"daemon-config points at /etc/cni/net.d but nothing is mounted there"; a host path written where the pod path belongs.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => POD_STATE_FIELDS.flatMap(({ key, default: def }) => {
    const v = configValue(d, key, def);
    if (!v) return [];
    const pod = tryPod(v.value);
    if (!pod) {
      return [at(m, d, 'pod-path-mounted', {
        field: configField(key),
        found: JSON.stringify(v.value),
        expected: 'an absolute path',
        message: `${key} must be an absolute path inside the daemon container`,
        fix: `write an absolute path for ${key}`,
      })];
    }
    if (d.mounts.toHost(pod)) return [];
    const label = v.isDefault ? `${key} (not set; the daemon's default is ${v.value})` : key;
    // A common mistake: the value is the host path itself, which the container sees elsewhere.
    const intended = intendedHost(m, key);
    const intendedPod = intended && dedicatedView(d.mounts, intended);
    const seenAt = intended?.path === pod.path ? intendedPod : dedicatedView(d.mounts, HostPath.of(pod.path));
    const expected = seenAt ?? intendedPod;
    let message = `${label} = ${pod} lies under no hostPath volumeMount of container "${d.container.name}", so the daemon reads a directory of its own image, not the node's`;
    if (seenAt) message = `${label} = ${pod} is a host path: the daemon runs in a container, where that host dir is mounted at ${seenAt}`;
    return [at(m, d, 'pod-path-mounted', {
      field: configField(key),
      found: pod.path,
      expected: expected ? expected.path : `a path under one of the container's mounts (${d.mounts.entries.map((e) => e.mountPath.path).join(', ')})`,
      message,
      fix: expected ? `set ${key} to "${expected}"` : `mount the host dir${intended ? ` ${intended}` : ''} into container "${d.container.name}" and set ${key} to the pod path it appears at`,
    })];
  })),
};

const podPathMeaning: Rule = {
  id: 'pod-path-meaning',
  severity: E,
  summary: 'Each mounted pod path in daemon-config.json means the intended host path (config dir, readiness file, host root).',
  catches: '`cni-conf-dir is not found: stat /host/var/lib/rancher/k3s/agent/var/lib/...`: a full host path prefixed again.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => POD_STATE_FIELDS.flatMap(({ key, default: def }) => {
    const v = configValue(d, key, def);
    const intended = intendedHost(m, key);
    const pod = v && tryPod(v.value);
    if (!v || !pod || !intended) return [];
    const host = d.mounts.toHost(pod);
    if (!host || host.isSame(intended)) return [];
    const intendedPod = dedicatedView(d.mounts, intended);
    const doubled = host.path.endsWith(intended.path) && host.path !== intended.path;
    const what = key === 'readinessindicatorfile' ? `the primary network's readiness file ${intended}` :
      key === 'chrootDir' ? 'the host root' : `the node's CNI config dir ${intended} (${m.layout.layoutName})`;
    const message = doubled
      ? `${key} = ${pod} means host ${host}: the value already held the full host path ${intended} and the mount prefix was added again (doubled prefix); the daemon fails with "stat ${pod}: no such file or directory"`
      : `${key} = ${pod} means host ${host} through the mount at ${d.mounts.mountAt(pod)!.mountPath}, but it must mean ${what}`;
    return [at(m, d, 'pod-path-meaning', {
      field: configField(key),
      found: `${pod} (host ${host})`,
      expected: intendedPod ? `${intendedPod} (host ${intended})` : `a pod path that means host ${intended}`,
      message,
      fix: intendedPod ? `set ${key} to "${intendedPod}"` : `mount host ${intended} into container "${d.container.name}" and set ${key} to where it appears`,
    })];
  })),
};

const binDirSamePath: Rule = {
  id: 'bin-dir-same-path',
  severity: E,
  summary: 'binDir is the node\'s real CNI bin dir, mounted at the same path in the daemon container, symlink targets included.',
  catches: '`failed to find plugin "portmap" in path [/host/opt/cni/bin]`: the delegate bin dir is not the host\'s real bin dir.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => {
    const v = configValue(d, 'binDir', facts.MULTUS_DEFAULT_BIN_DIR)!;
    const label = v.isDefault ? `binDir (not set; the default is ${v.value})` : 'binDir';
    const pod = tryPod(v.value);
    const bin = m.layout.binDir;
    const fix = `set binDir to "${bin}" and mount host ${m.layout.binDirMountRoot} at ${m.layout.binDirMountRoot} in container "${d.container.name}"`;
    const out: Finding[] = [];
    const f = (found: string, message: string) => at(m, d, 'bin-dir-same-path', { field: configField('binDir'), found, expected: `${bin}, the same path in pod and host`, message, fix });
    if (!pod) return [f(JSON.stringify(v.value), 'binDir must be an absolute path')];
    const host = d.mounts.toHost(pod);
    const prefixed = podPrefixIn(d.mounts, pod.path);
    if (pod.path !== bin.path && prefixed) {
      out.push(f(`${pod} (host ${host})`, `${label} = ${pod} carries the pod mount prefix ${prefixed.mountPath}: the daemon finds plugins there in the pod, then runs ${pod} chrooted on the host, where no such dir exists`));
    } else if (pod.path !== bin.path) {
      out.push(f(pod.path, `${label} = ${pod}, but containerd on this ${m.layout.layoutName} node runs plugins from ${bin}; delegates looked up in ${pod} are not the node's plugins`));
    } else if (!host) {
      out.push(f(pod.path, `${label} = ${pod} is not mounted in container "${d.container.name}": the daemon checks plugins with stat in the pod, then runs them chrooted on the host, so the dir must be mounted at the same path`));
    } else if (!host.isSame(HostPath.of(pod.path))) {
      out.push(f(`${pod} (host ${host})`, `${label} = ${pod} means host ${host} in the pod but ${pod} on the host: the daemon finds plugins in one dir and runs them from another`));
    } else {
      // On k3s the bin dir holds absolute symlinks into the data dir: their targets must resolve too.
      const root = m.layout.binDirMountRoot;
      const rootHost = d.mounts.toHost(PodPath.of(root.path));
      if (!rootHost || !rootHost.isSame(root)) {
        out.push(f(`${pod} (mounted without ${root})`,
          `the plugins in ${bin} are absolute symlinks into ${root}; the daemon's stat follows them inside the pod, where ${root} is not mounted at the same path, so every bundled plugin looks missing`));
      }
    }
    return out;
  }),
};

const installTarget: Rule = {
  id: 'install-target',
  severity: E,
  summary: 'Every installer init container writes into a dir that is, on the host, the node\'s CNI bin dir.',
  catches: '`failed to find plugin "multus-shim" in path [/var/lib/rancher/k3s/data/cni]`: the shim installed to /opt/cni/bin.',
  check: (m) => m.installers.flatMap((i) => {
    const host = i.mounts.toHost(i.target);
    if (host && host.isSame(m.layout.binDir)) return [];
    const podForBin = i.mounts.toPod(m.layout.binDir);
    return [m.finding(i.owner, 'install-target', E, {
      field: i.targetField,
      found: host ? `${i.target} (host ${host})` : `${i.target} (not mounted: inside the image)`,
      expected: podForBin ? `${podForBin} (host ${m.layout.binDir})` : `a pod path that means host ${m.layout.binDir}`,
      message: `init container "${i.container}" installs ${i.plugins.join(', ') || 'plugins'} into ${host ?? 'the container image'}, but containerd on this ${m.layout.layoutName} node looks up plugins only in ${m.layout.binDir}; they will never be found`,
      fix: podForBin ? `install into "${podForBin}"` : `mount host ${m.layout.binDirMountRoot} at the same path in "${i.container}" and install into "${m.layout.binDir}"`,
    })];
  }),
};

/** Host dirs that other programs share; the daemon deletes and recreates its socket dir. */
const SHARED_DIRS = ['/', '/run', '/var/run', '/tmp', '/var', '/etc', '/var/lib'];

const socketDir: Rule = {
  id: 'socket-dir',
  severity: E,
  summary: 'socketDir is a dedicated dir below a mount, and the shim\'s daemonSocketDir names the same host dir.',
  catches: 'every pod ADD hangs then fails: the shim dials a socket the daemon did not create there.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => {
    const v = configValue(d, 'socketDir', facts.MULTUS_DEFAULT_SOCKET_DIR)!;
    const pod = tryPod(v.value);
    const host = pod && d.mounts.toHost(pod);
    if (!pod || !host) return []; // reported by pod-path-mounted
    const shimValue = configValue(d, 'daemonSocketDir', facts.MULTUS_DEFAULT_SOCKET_DIR)!;
    const shim = tryHost(shimValue.value);
    const out: Finding[] = [];
    const prefixed = shimValue.isDefault ? undefined : podPrefixIn(d.mounts, shimValue.value);
    if (prefixed) {
      out.push(at(m, d, 'socket-dir', {
        field: configField('daemonSocketDir'),
        found: shimValue.value,
        expected: `${host}, a host path`,
        message: `daemonSocketDir is read by multus-shim on the host, but ${shimValue.value} carries the daemon container's mount prefix ${prefixed.mountPath} (host ${prefixed.hostPath})`,
        fix: `set daemonSocketDir to "${host}"`,
      }));
    } else if (!shim || !shim.isSame(host)) {
      const shimSeenAt = d.mounts.toPod(shim ?? HostPath.of(facts.MULTUS_DEFAULT_SOCKET_DIR));
      out.push(at(m, d, 'socket-dir', {
        field: configField(shimValue.isDefault ? 'socketDir' : 'daemonSocketDir'),
        found: `socketDir ${pod} (host ${host}), daemonSocketDir ${shimValue.value}${shimValue.isDefault ? ' (default)' : ''}`,
        expected: 'both naming the same host dir',
        message: `the daemon listens on host ${host}/multus.sock, but multus-shim on the host dials ${shim ?? shimValue.value}/multus.sock`,
        fix: shimSeenAt ? `set socketDir to "${shimSeenAt}"` : `set daemonSocketDir to "${host}"`,
      }));
    }
    if (d.mounts.isMountPoint(pod)) {
      out.push(at(m, d, 'socket-dir', {
        field: configField('socketDir'),
        found: `${pod} (a mount point)`,
        expected: 'a dir below a mount',
        message: `the daemon deletes and recreates ${pod} at start; a mount point cannot be removed, so it exits with "failed to prepare the cni-socket"`,
        fix: `mount the parent host dir ${host.parent} and keep socketDir below it`,
      }));
    }
    const shared = [m.layout.confDir, m.layout.binDir, m.layout.binDirMountRoot, ...SHARED_DIRS.map((s) => HostPath.of(s))]
      .find((s) => s.isWithin(host));
    if (shared) {
      out.push(at(m, d, 'socket-dir', {
        field: configField('socketDir'),
        found: `${pod} (host ${host})`,
        expected: 'a dir used by Multus alone, such as host /run/multus',
        message: `the daemon deletes ${host} and everything in it at start, which would take ${shared} with it`,
        fix: `point socketDir at a dedicated dir such as ${d.mounts.toPod(HostPath.of(facts.MULTUS_DEFAULT_SOCKET_DIR)) ?? '/host/run/multus'}`,
      }));
    }
    return out;
  }),
};

const logFile: Rule = {
  id: 'log-file',
  severity: E,
  summary: 'A logFile is the same path in the daemon container and on the host, because multus-shim writes it on the host.',
  catches: 'logs of the shim and of the daemon end up in two different files, one of them inside the image.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => {
    const v = configValue(d, 'logFile');
    if (!v) return [];
    const pod = tryPod(v.value);
    const host = pod && d.mounts.toHost(pod);
    if (pod && host && host.path === pod.path) return [];
    return [at(m, d, 'log-file', {
      field: configField('logFile'),
      found: host ? `${pod} (host ${host})` : `${v.value} (inside the image)`,
      expected: `${v.value} mounted at the same path`,
      message: `the daemon writes ${v.value} in its container and copies logFile into 00-multus.conf, where multus-shim writes ${v.value} on the host: two different files`,
      fix: pod ? `mount host ${pod.parent} at ${pod.parent} in container "${d.container.name}", or drop logFile and keep logToStderr` : 'write an absolute path',
    })];
  }),
};

const thickKubeconfig: Rule = {
  id: 'thick-kubeconfig',
  severity: E,
  summary: 'A thick daemon config carries no kubeconfig: the daemon ignores it and uses its ServiceAccount.',
  catches: 'a multus.kubeconfig copied around for the thick plugin, which does nothing (and, copied from k3s.yaml, leaks cluster-admin).',
  check: (m) => m.daemons.filter((d) => d.config && 'kubeconfig' in d.config!).map((d) => at(m, d, 'thick-kubeconfig', {
    field: configField('kubeconfig'),
    found: JSON.stringify(d.config!.kubeconfig),
    expected: 'no kubeconfig key',
    message: 'the thick daemon ignores kubeconfig and talks to the API server with its ServiceAccount; the file it names is never read',
    fix: 'remove kubeconfig; for per-node credentials use perNodeCertificate with its bootstrapKubeconfig',
  })),
};

const forceCniVersion: Rule = {
  id: 'force-cni-version',
  severity: E,
  summary: 'forceCNIVersion is not used where the distribution owns the primary network\'s config file.',
  catches: 'k3s rewrites 10-flannel.conflist at every start, undoing or fighting the daemon\'s in-place edit.',
  check: (m) => !m.layout.primaryConfigManagedByDistribution ? [] :
    m.daemons.filter((d) => d.config?.forceCNIVersion === true).map((d) => at(m, d, 'force-cni-version', {
      field: configField('forceCNIVersion'),
      found: 'true',
      expected: 'false or absent',
      message: `forceCNIVersion rewrites the primary network's config file in ${m.layout.confDir}, which ${m.layout.layoutName} owns and rewrites itself`,
      fix: 'remove forceCNIVersion; set cniVersion to a version the primary network\'s config supports',
    })),
};

const daemonConfigValid: Rule = {
  id: 'daemon-config-valid',
  severity: E,
  summary: 'daemon-config.json has the keys the daemon needs, with values it accepts.',
  catches: 'a daemon that starts but generates no 00-multus.conf, or logs nothing.',
  check: (m) => m.daemons.filter((d) => d.config).flatMap((d) => {
    const c = d.config!;
    const out: Finding[] = [];
    const auto = (c.multusConfigFile ?? 'auto') === 'auto';
    if (auto && (typeof c.cniVersion !== 'string' || c.cniVersion === '')) {
      out.push(at(m, d, 'daemon-config-valid', {
        field: configField('cniVersion'),
        found: JSON.stringify(c.cniVersion),
        expected: 'a CNI version such as "0.3.1" or "1.0.0"',
        message: 'with multusConfigFile "auto" the daemon needs cniVersion to generate 00-multus.conf',
        fix: 'set cniVersion',
      }));
    }
    if (auto && c.multusAutoconfigDir === undefined) {
      out.push(at(m, d, 'daemon-config-valid', {
        field: configField('multusAutoconfigDir'),
        found: 'absent',
        expected: 'the pod path of the node\'s CNI config dir',
        message: 'with multusConfigFile "auto" the daemon finds the primary network in multusAutoconfigDir',
        fix: `set multusAutoconfigDir to "${d.mounts.toPod(m.layout.confDir) ?? 'the pod path of ' + m.layout.confDir}"`,
      }));
    }
    if (c.logLevel !== undefined && !facts.MULTUS_LOG_LEVELS.includes(String(c.logLevel).toLowerCase())) {
      out.push(at(m, d, 'daemon-config-valid', {
        field: configField('logLevel'),
        found: JSON.stringify(c.logLevel),
        expected: facts.MULTUS_LOG_LEVELS.join(' | '),
        message: 'the daemon ignores an unknown logLevel and stays at "panic"',
        fix: `use one of ${facts.MULTUS_LOG_LEVELS.join(', ')}`,
      }));
    }
    return out;
  }),
};

const daemonPod: Rule = {
  id: 'daemon-pod',
  severity: E,
  summary: 'The daemon pod has hostNetwork, hostPID and a privileged daemon container.',
  catches: 'delegates that configure the wrong network namespace, or a daemon that cannot chroot into the host.',
  check: (m) => m.daemons.flatMap((d) => {
    const spec = d.podSpec;
    const out: Finding[] = [];
    const need = (field: string, ok: boolean, message: string) => {
      if (!ok) {
        out.push(m.finding(d.owner, 'daemon-pod', E, {
          field, found: 'false or absent', expected: 'true', message, fix: `set ${field.split('.').pop()} to true`,
        }));
      }
    };
    need('spec.template.spec.hostNetwork', spec.hostNetwork === true,
      'without hostNetwork a delegate\'s "master" names an interface of the pod\'s own network namespace, not the node\'s NIC');
    need('spec.template.spec.hostPID', spec.hostPID === true,
      'without hostPID the chrooted delegates reach network namespaces through /proc/<pid>/task/<tid>/ns/net of the wrong process (multus pkg/ns)');
    need(`spec.template.spec.containers[${d.containerIndex}].securityContext.privileged`, d.container.securityContext?.privileged === true,
      'the daemon chroots into the host root and enters network namespaces, which needs a privileged container');
    return out;
  }),
};

const netnsVisible: Rule = {
  id: 'netns-visible',
  severity: E,
  summary: 'The daemon sees the host\'s /run/netns at the same path, with HostToContainer propagation.',
  catches: 'ADD fails on a network namespace that appears as an empty file: it was mounted after the daemon started.',
  check: (m) => m.daemons.flatMap((d) => {
    const netns = PodPath.of('/run/netns');
    const host = d.mounts.toHost(netns);
    const mount = d.mounts.mountAt(netns);
    const ok = host?.path === '/run/netns' && ['HostToContainer', 'Bidirectional'].includes(mount?.propagation ?? '');
    if (ok) return [];
    return [m.finding(d.owner, 'netns-visible', E, {
      field: `spec.template.spec.containers[${d.containerIndex}].volumeMounts`,
      found: host ? `/run/netns means host ${host}, propagation ${mount?.propagation ?? 'None'}` : '/run/netns not mounted',
      expected: 'host /run/netns at /run/netns with mountPropagation HostToContainer',
      message: 'containerd passes the pod\'s network namespace as a host path under /run/netns, created after the daemon started; the daemon opens that path in its container',
      fix: 'mount the hostPath /run/netns at /run/netns with mountPropagation: HostToContainer',
    })];
  }),
};

/** The containers of the objects that run Multus, for the image rule. */
function multusWorkloads(m: Model): Obj[] {
  return [...new Set([...m.daemons.map((d) => d.owner), ...m.installers.map((i) => i.owner)])];
}

const imagePinned: Rule = {
  id: 'image-pinned',
  severity: E,
  summary: 'Every image of the Multus workloads names a release tag or a digest, never a moving tag.',
  catches: 'nodes that run different Multus builds after a restart (`snapshot-thick`, `latest`).',
  check: (m) => multusWorkloads(m).flatMap((w) => {
    const spec = podSpecOf(w.manifest);
    const all: [string, any][] = [
      ...asArray(spec?.initContainers).map((c, i): [string, any] => [`spec.template.spec.initContainers[${i}].image`, c]),
      ...asArray(spec?.containers).map((c, i): [string, any] => [`spec.template.spec.containers[${i}].image`, c]),
    ];
    return all.flatMap(([field, c]) => {
      const problem = imageProblem(c?.image);
      return problem ? [m.finding(w, 'image-pinned', E, {
        field,
        found: String(c?.image),
        expected: 'a release tag (such as v4.3.0-thick) or a @sha256 digest',
        message: `container "${c?.name}": ${problem}`,
        fix: 'pin a release tag or a digest',
      })] : [];
    });
  }),
};

/** What is wrong with an image reference, or undefined when it is pinned. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return `"${image}" has no tag, which means "latest"`;
  const tag = image.slice(colon + 1);
  if (facts.MOVING_TAG.test(tag)) return `tag "${tag}" moves: each node may pull a different build`;
  return undefined;
}

const nadCrd: Rule = {
  id: 'nad-crd',
  severity: E,
  summary: 'The NetworkAttachmentDefinition CRD has its one correct name, and NADs use its group and version.',
  catches: 'a controller that cannot find the CRD (`networkattachmentdefinitions...` misspelt).',
  check: (m) => [
    ...m.objects.filter((o) => o.kind === 'CustomResourceDefinition' && o.manifest.spec?.names?.kind === facts.NAD_KIND)
      .filter((o) => o.name !== facts.NAD_CRD_NAME || o.manifest.spec?.group !== facts.NAD_GROUP)
      .map((o) => m.finding(o, 'nad-crd', E, {
        field: 'metadata.name',
        found: `${o.name} (group ${o.manifest.spec?.group})`,
        expected: `${facts.NAD_CRD_NAME} (group ${facts.NAD_GROUP})`,
        message: 'Multus and the NAD client look the CRD up as network-attachment-definitions in group k8s.cni.cncf.io',
        fix: `name it ${facts.NAD_CRD_NAME}, with plural network-attachment-definitions and group ${facts.NAD_GROUP}`,
      })),
    ...m.nads.filter((o) => o.manifest.apiVersion !== `${facts.NAD_GROUP}/v1`).map((o) => m.finding(o, 'nad-crd', E, {
      field: 'apiVersion',
      found: String(o.manifest.apiVersion),
      expected: `${facts.NAD_GROUP}/v1`,
      message: 'the NetworkAttachmentDefinition API is served only as k8s.cni.cncf.io/v1',
      fix: `set apiVersion to ${facts.NAD_GROUP}/v1`,
    })),
  ],
};

/** The plugin types a CNI config or conflist executes: each plugin's type and its IPAM type. */
export function pluginTypes(config: any): string[] {
  const entries = Array.isArray(config?.plugins) ? config.plugins : [config];
  const out: string[] = [];
  for (const p of entries) {
    if (typeof p?.type === 'string' && p.type) out.push(p.type);
    if (typeof p?.ipam?.type === 'string' && p.ipam.type) out.push(p.ipam.type);
  }
  return out;
}

const pluginAvailable: Rule = {
  id: 'plugin-available',
  severity: E,
  summary: 'Every plugin type used by a network (and multus-shim for the daemon) is bundled by the node or installed into its bin dir.',
  catches: '`failed to find plugin "macvlan" in path [/var/lib/rancher/k3s/data/cni]`: k3s bundles no macvlan.',
  check: (m) => {
    const available = new Set(m.layout.bundledPlugins);
    for (const i of m.installers) {
      if (i.mounts.toHost(i.target)?.isSame(m.layout.binDir)) i.plugins.forEach((p) => available.add(p));
    }
    const out: Finding[] = [];
    const missing = (o: Obj, field: string, plugin: string, usedBy: string) => m.finding(o, 'plugin-available', E, {
      field,
      found: plugin,
      expected: `one of the plugins in ${m.layout.binDir}: ${[...available].sort().join(', ')}`,
      message: `${usedBy} uses plugin "${plugin}", which is neither bundled by ${m.layout.layoutName} nor installed into ${m.layout.binDir}: ` +
        `ADD fails with 'failed to find plugin "${plugin}" in path [${m.layout.binDir}]'`,
      fix: plugin === 'multus-shim'
        ? `add an init container that runs install_multus -t thick into ${m.layout.binDir}`
        : `install it into ${m.layout.binDir} (MultusThick installs the reference plugins the app's networks use; add "${plugin}" to its extraPlugins), or declare it in the layout's available plugins if it is installed by other means`,
    });
    for (const d of m.dhcpDaemons) {
      if (!available.has('dhcp')) out.push(missing(d.owner, d.field, 'dhcp', `the DHCP daemon "${d.container}"`));
    }
    for (const d of m.thinDaemons) {
      if (!available.has('multus')) out.push(missing(d.owner, d.field, 'multus', `the thin plugin's generated config (container "${d.container}")`));
    }
    for (const d of m.daemons) {
      if (!available.has('multus-shim')) out.push(missing(d.owner, `spec.template.spec.containers[${d.containerIndex}]`, 'multus-shim', 'the generated 00-multus.conf'));
    }
    for (const nad of m.nads) {
      const config = parsedConfig(nad); // an unparsable config is reported by nad-config
      if (!config) continue;
      for (const t of new Set(pluginTypes(config))) {
        if (!available.has(t)) out.push(missing(nad, 'spec.config', t, `NetworkAttachmentDefinition ${nad.namespace ?? 'default'}/${nad.name}`));
      }
    }
    return out;
  },
};

const nadConfig: Rule = {
  id: 'nad-config',
  severity: E,
  summary: 'A NetworkAttachmentDefinition\'s spec.config is a JSON CNI config or conflist with a cniVersion and a plugin type.',
  catches: 'pods stuck in ContainerCreating with a parse error from Multus.',
  check: (m) => m.nads.flatMap((nad) => {
    const text = nad.manifest.spec?.config;
    if (text === undefined || text === '') return [];
    const bad = (found: string, message: string) => [m.finding(nad, 'nad-config', E, {
      field: 'spec.config', found, expected: 'a JSON CNI config with cniVersion and type (or plugins)', message, fix: 'write the CNI config as a JSON string',
    })];
    if (typeof text !== 'string') return bad(typeof text, 'spec.config must be a string holding JSON');
    const { value, error } = readConfig(nad);
    const config: any = value;
    if (error !== undefined) return bad(text.slice(0, 80), `spec.config is not valid JSON (${error})`);
    if (typeof config?.cniVersion !== 'string') return bad(text.slice(0, 80), 'spec.config has no cniVersion');
    if (pluginTypes(config).length === 0) return bad(text.slice(0, 80), 'spec.config names no plugin type');
    return [];
  }),
};

const daemonConfigMounted: Rule = {
  id: 'daemon-config-mounted',
  severity: E,
  summary: 'The ConfigMap with daemon-config.json is mounted where the daemon reads its config, and parses as JSON.',
  catches: 'a daemon that starts on built-in defaults (/etc/cni/net.d, /opt/cni/bin) because its config is not where it looks.',
  check: (m) => m.findings.filter((f) => f.ruleId === 'daemon-config-mounted'),
};

/** A NAD's spec.config, parsed once for all the rules. */
function readConfig(nad: Obj): { readonly value?: unknown; readonly error?: string } {
  nad.parsedConfig ??= parseConfig(nad.manifest.spec?.config);
  return nad.parsedConfig;
}

function parseConfig(text: unknown): { value?: unknown; error?: string } {
  if (typeof text !== 'string') return {};
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A NAD's parsed CNI config, or undefined when it has none or it is not a JSON object. */
function parsedConfig(nad: Obj): any {
  const value = readConfig(nad).value;
  return typeof value === 'object' && value !== null ? value : undefined;
}

function nadKey(nad: Obj): string {
  return `${nad.namespace ?? 'default'}/${nad.name}`;
}

const networkNameUnique: Rule = {
  id: 'network-name-unique',
  severity: E,
  summary: 'No two NetworkAttachmentDefinitions share a name in one namespace.',
  catches: 'one network silently replacing another when the manifests are applied.',
  check: (m) => {
    const seen = new Map<string, Obj>();
    const out: Finding[] = [];
    for (const nad of m.nads) {
      const first = seen.get(nadKey(nad));
      if (first) {
        out.push(m.finding(nad, 'network-name-unique', E, {
          field: 'metadata.name',
          found: nadKey(nad),
          expected: 'a name used once per namespace',
          message: `NetworkAttachmentDefinition ${nadKey(nad)} is defined twice${first.source ? ` (also at ${first.source})` : ''}; the one applied last wins`,
          fix: 'give each network its own name',
        }));
      } else {
        seen.set(nadKey(nad), nad);
      }
    }
    return out;
  },
};

/** The address intervals a plugin config hands out: static addresses and host-local ranges. */
function addressIntervals(config: any): { family: number; start: bigint; end: bigint; text: string }[] {
  const ipam = config?.ipam;
  const out: { family: number; start: bigint; end: bigint; text: string }[] = [];
  const parse = (text: unknown, prefix: boolean) => {
    try {
      return typeof text === 'string' ? parseIp('', text, prefix) : undefined;
    } catch {
      return undefined;
    }
  };
  if (ipam?.type === 'static') {
    for (const a of asArray(ipam.addresses)) {
      const ip = parse(a?.address, true);
      if (ip) out.push({ family: ip.family, start: ip.value, end: ip.value, text: String(a.address) });
    }
  }
  if (ipam?.type === 'host-local') {
    for (const r of asArray(ipam.ranges).flatMap((set) => asArray(set))) {
      const subnet = parse(r?.subnet, true);
      if (!subnet) continue;
      const start = parse(r.rangeStart, false)?.value ?? subnet.network + 1n;
      const end = parse(r.rangeEnd, false)?.value ?? (subnet.family === 4 ? subnet.broadcast - 1n : subnet.broadcast);
      out.push({ family: subnet.family, start, end, text: `${r.subnet}${r.rangeStart || r.rangeEnd ? ` ${r.rangeStart ?? ''}-${r.rangeEnd ?? ''}` : ''}` });
    }
  }
  return out;
}

const networkOverlap: Rule = {
  id: 'network-overlap',
  severity: E,
  summary: 'Networks on the same master hand out disjoint fixed addresses and ranges.',
  catches: 'two pods with the same address on one LAN, each network\'s IPAM unaware of the other.',
  check: (m) => {
    // One sweep per master and family over intervals sorted by start: O(n log n).
    const groups = new Map<string, { nad: Obj; family: number; start: bigint; end: bigint; text: string }[]>();
    for (const nad of m.nads) {
      const config = parsedConfig(nad);
      if (!config) continue;
      const master = typeof config.master === 'string' ? config.master : '(default-route interface)';
      for (const iv of addressIntervals(config)) {
        const key = `${config.type}|${master}|${iv.family}`;
        const list = groups.get(key) ?? [];
        list.push({ nad, ...iv });
        groups.set(key, list);
      }
    }
    const out: Finding[] = [];
    for (const [key, list] of groups) {
      list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      let widest = list[0];
      for (const iv of list.slice(1)) {
        if (iv.start <= widest.end && iv.nad !== widest.nad) {
          out.push(m.finding(iv.nad, 'network-overlap', E, {
            field: 'spec.config.ipam',
            found: iv.text,
            expected: `no overlap with ${nadKey(widest.nad)} (${widest.text})`,
            message: `on master ${key.split('|')[1]}, ${nadKey(iv.nad)} hands out ${iv.text}, which overlaps ${widest.text} of ${nadKey(widest.nad)}: two pods can get the same address on one LAN`,
            fix: 'give each network on a master its own addresses, or use one network with one IPAM',
          }));
        }
        if (iv.end > widest.end) widest = iv;
      }
    }
    return out;
  },
};

const dhcpDaemon: Rule = {
  id: 'dhcp-daemon',
  severity: E,
  summary: 'Networks with DHCP IPAM have a DHCP daemon in the app, running the node\'s dhcp plugin and serving host /run/cni.',
  catches: 'ADD failing with "dial unix /run/cni/dhcp.sock: connect: no such file or directory".',
  check: (m) => {
    const out: Finding[] = [];
    for (const d of m.dhcpDaemons) {
      const host = d.mounts.toHost(d.binary);
      const expected = m.layout.binDir.join('dhcp');
      if (!host?.isSame(expected)) {
        out.push(m.finding(d.owner, 'dhcp-daemon', E, {
          field: d.field,
          found: host ? `${d.binary} (host ${host})` : `${d.binary} (inside the image)`,
          expected: `host ${expected}`,
          message: `the DHCP daemon "${d.container}" runs ${d.binary}, which is not the dhcp plugin in the node's bin dir ${m.layout.binDir}`,
          fix: `mount host ${m.layout.binDirMountRoot} at the same path and run ${expected} daemon`,
        }));
      }
      const sock = d.mounts.toHost(PodPath.of(facts.DHCP_SOCKET_DIR));
      if (!sock?.isSame(HostPath.of(facts.DHCP_SOCKET_DIR))) {
        out.push(m.finding(d.owner, 'dhcp-daemon', E, {
          field: d.field,
          found: sock ? `${facts.DHCP_SOCKET_DIR} means host ${sock}` : `${facts.DHCP_SOCKET_DIR} not mounted`,
          expected: `host ${facts.DHCP_SOCKET_DIR} at ${facts.DHCP_SOCKET_DIR}`,
          message: `the dhcp plugin on the host dials ${facts.DHCP_SOCKET_DIR}/dhcp.sock, but the daemon creates its socket where the host does not see it`,
          fix: `mount host ${facts.DHCP_SOCKET_DIR} at ${facts.DHCP_SOCKET_DIR}`,
        }));
      }
    }
    if (m.dhcpDaemons.length > 0) return out;
    for (const nad of m.nads) {
      const config = parsedConfig(nad);
      const plugins = Array.isArray(config?.plugins) ? config.plugins : [config];
      if (plugins.some((p: any) => p?.ipam?.type === 'dhcp')) {
        out.push(m.finding(nad, 'dhcp-daemon', E, {
          field: 'spec.config.ipam.type',
          found: 'dhcp',
          expected: 'a DHCP daemon in the app',
          message: `${nadKey(nad)} takes addresses from DHCP, but nothing runs the dhcp daemon on the nodes: ADD fails dialing ${facts.DHCP_SOCKET_DIR}/dhcp.sock`,
          fix: 'add a DhcpDaemon to the app',
        }));
      }
    }
    return out;
  },
};

const nadIpam: Rule = {
  id: 'nad-ipam',
  severity: E,
  summary: 'The IPAM of every NetworkAttachmentDefinition passes the same checks as the library\'s Ipam (host bits, ranges, gateways, families).',
  catches: '`Network has host bits set` (an address used as a subnet), and configs the plugins accept that hand out a network or gateway address.',
  check: (m) => m.nads.flatMap((nad) => {
    const config = parsedConfig(nad);
    const plugins = Array.isArray(config?.plugins) ? config.plugins : [config];
    return plugins.flatMap((p: any) => {
      const problem = ipamProblem(p?.ipam);
      return problem ? [m.finding(nad, 'nad-ipam', E, {
        field: 'spec.config.ipam',
        found: JSON.stringify(p.ipam).slice(0, 160),
        expected: 'an IPAM config that host-local or static accepts and that hands out only host addresses',
        message: problem,
        fix: 'correct the address as the message says',
      })] : [];
    });
  }),
};

/** What Ipam's factories say about a host-local or static IPAM section, or undefined when it passes. */
function ipamProblem(ipam: any): string | undefined {
  try {
    if (ipam?.type === 'host-local') {
      const sets = asArray(ipam.ranges).map((set) => asArray(set).map((r) => ({
        subnet: r?.subnet, rangeStart: r?.rangeStart, rangeEnd: r?.rangeEnd, gateway: r?.gateway,
      })));
      // The old single-range form: subnet at the top of the IPAM section.
      if (sets.length === 0 && ipam.subnet !== undefined) {
        sets.push([{ subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd, gateway: ipam.gateway }]);
      }
      Ipam.hostLocal({ rangeSets: sets, routes: asArray(ipam.routes) });
    } else if (ipam?.type === 'whereabouts' && typeof ipam.range === 'string') {
      Ipam.whereabouts({
        range: ipam.range,
        rangeStart: ipam.range_start,
        rangeEnd: ipam.range_end,
        exclude: asArray(ipam.exclude).map(String),
        gateway: ipam.gateway,
        routes: asArray(ipam.routes),
        configurationPath: typeof ipam.configuration_path === 'string' ? ipam.configuration_path : '/',
      });
    } else if (ipam?.type === 'static' && asArray(ipam.addresses).length > 0) {
      // Without addresses, static takes them from each pod's request (runtime config): legitimate.
      Ipam.staticAddresses({ addresses: asArray(ipam.addresses), routes: asArray(ipam.routes) });
    }
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Ipam\.\w+: /, '');
  }
}

/** How many pods a manifest's workload runs: a number, or words for "more than one". */
function manifestPods(o: Obj): number | string {
  const spec = o.manifest.spec ?? {};
  switch (o.kind) {
    case 'Pod': return 1;
    case 'Deployment': case 'StatefulSet': case 'ReplicaSet': return typeof spec.replicas === 'number' ? spec.replicas : 1;
    case 'DaemonSet': return 'one pod per node';
    case 'Job': return (spec.parallelism ?? 1) === 1 && (spec.completions ?? 1) === 1 ? 1 : 'several pods';
    default: return 'pods of successive runs';
  }
}

/** The entries of a networks annotation: JSON list, or `a,ns/b,c@ifname`; a string when it does not parse. */
function networkEntries(value: string): { name?: unknown; namespace?: unknown; interface?: unknown; ips?: unknown; mac?: unknown }[] | string {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const list = JSON.parse(text);
      return Array.isArray(list) ? list.map((e) => (typeof e === 'object' && e !== null ? e : {})) : 'not a JSON list';
    } catch (e) {
      return `not valid JSON (${(e as Error).message})`;
    }
  }
  return text.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const [ref, iface] = item.split('@');
    const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
    return { name, namespace: ns, interface: iface };
  });
}

const attachment: Rule = {
  id: 'attachment',
  severity: E,
  summary: 'Each entry of a pod\'s networks annotation names a valid interface once, requests only what its network declares, inside its subnets, and a fixed address only for one pod.',
  catches: 'a requested IP ignored, doubled or failing (no capabilities.ips), and the same "fixed" IP on several pods.',
  check: (m) => {
    const nads = new Map<string, Obj>(m.nads.map((n) => [`${n.namespace ?? 'default'}/${n.name}`, n]));
    const out: Finding[] = [];
    for (const { owner: o, metadata, metadataField } of m.podMakers) {
      const value = metadata?.annotations?.[facts.NETWORKS_ANNOTATION];
      if (typeof value !== 'string') continue;
      const bad = (found: string, message: string, fix: string) => out.push(m.finding(o, 'attachment', E, {
        field: `${metadataField}.annotations["${facts.NETWORKS_ANNOTATION}"]`, found, expected: 'attachments Multus can honour', message, fix,
      }));
      const entries = networkEntries(value);
      if (typeof entries === 'string') {
        bad(value.slice(0, 120), `the networks annotation is ${entries}`, 'write a JSON list of {name, namespace, interface, ips, mac}');
        continue;
      }
      const seen = new Set<string>();
      entries.forEach((e, i) => {
        if (e.interface !== undefined) {
          const iface = String(e.interface);
          if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(iface)) bad(iface, `entry ${i}: interface "${iface}" is not a Linux interface name of at most 15 characters`, 'use a shorter name such as net1 or lan0');
          if (seen.has(iface)) bad(iface, `entry ${i}: interface "${iface}" is used twice in this pod`, 'give each attachment its own interface name');
          seen.add(iface);
        }
        const nad = nads.get(`${e.namespace ?? o.namespace ?? 'default'}/${e.name}`);
        const config = nad && parsedConfig(nad);
        if (!config) return;
        const problem = attachmentProblem({ ips: Array.isArray(e.ips) ? e.ips.map(String) : undefined, mac: typeof e.mac === 'string' ? e.mac : undefined },
          networkFacts(config), manifestPods(o), `${o.kind} ${o.name}`);
        if (problem) bad(JSON.stringify(e), `entry ${i} (network ${nad.namespace ?? 'default'}/${nad.name}): ${problem}`, 'request only what the network declares, or change the workload or the network as the message says');
      });
    }
    return out;
  },
};

const kubevirtNetworks: Rule = {
  id: 'kubevirt-networks',
  severity: E,
  summary: 'A KubeVirt VM takes its pod network as pod: {} and secondary networks through multus.networkName, with no hand-written Multus annotation and no bridge binding on macvlan.',
  catches: 'a VM stuck in Starting (a NAD for the default network, a manual annotation), and a VM with no inbound traffic on macvlan.',
  check: (m) => m.objects.filter((o) => o.kind === 'VirtualMachine' || o.kind === 'VirtualMachineInstance').flatMap((o) => {
    const vmi = o.kind === 'VirtualMachine' ? o.manifest.spec?.template : o.manifest;
    const base = o.kind === 'VirtualMachine' ? 'spec.template.' : '';
    const out: Finding[] = [];
    const bad = (field: string, found: string, expected: string, message: string, fix: string) =>
      out.push(m.finding(o, 'kubevirt-networks', E, { field: base + field, found, expected, message, fix }));
    if (vmi?.metadata?.annotations?.[facts.NETWORKS_ANNOTATION] !== undefined) {
      bad(`metadata.annotations["${facts.NETWORKS_ANNOTATION}"]`, String(vmi.metadata.annotations[facts.NETWORKS_ANNOTATION]).slice(0, 80), 'no such annotation',
        'KubeVirt writes the Multus annotation on the launcher pod itself; a hand-written one conflicts with it',
        'remove it and list the network in spec.networks with multus.networkName');
    }
    const interfaces = new Map<string, any>(asArray(vmi?.spec?.domain?.devices?.interfaces).map((i) => [i?.name, i]));
    asArray(vmi?.spec?.networks).forEach((n, i) => {
      const ref = n?.multus?.networkName;
      if (typeof ref !== 'string') return;
      const [ns, name] = ref.includes('/') ? ref.split('/') : [o.namespace ?? 'default', ref];
      const nad = m.nads.find((x) => (x.namespace ?? 'default') === ns && x.name === name);
      if (n.multus.default === true) {
        bad(`spec.networks[${i}].multus.default`, 'true', 'pod: {} for the pod network',
          'the pod network comes from the cluster\'s primary CNI; a NetworkAttachmentDefinition standing in for it leaves the VM stuck in Starting',
          `replace it with { name: "${n.name}", pod: {} }`);
      }
      const config = nad && parsedConfig(nad);
      const iface = interfaces.get(n?.name);
      if (config?.type === 'macvlan' && config.mode !== 'passthru' && iface?.bridge !== undefined) {
        bad(`spec.domain.devices.interfaces[name=${n.name}].bridge`, 'bridge binding', 'macvtap binding, macvlan passthru, or a bridge CNI network',
          `the bridge binding on macvlan network ${ns}/${name} passes no inbound traffic: macvlan drops frames for the VM's MAC (kubevirt issues #2925, #5483)`,
          'use the macvtap binding, a macvlan network in passthru mode, or a bridge CNI network');
      }
    });
    return out;
  }),
};

/** Kubeconfig references in a CNI config, read by host-side plugins: [where, path]. */
function kubeconfigReferences(config: any): [string, unknown][] {
  const plugins = Array.isArray(config?.plugins) ? config.plugins.map((p: any, i: number) => [`plugins[${i}].`, p]) : [['', config]];
  return plugins.flatMap(([prefix, p]: [string, any]) => [
    ...(p?.kubeconfig !== undefined ? [[`${prefix}kubeconfig`, p.kubeconfig]] : []),
    ...(p?.ipam?.kubernetes?.kubeconfig !== undefined ? [[`${prefix}ipam.kubernetes.kubeconfig`, p.ipam.kubernetes.kubeconfig]] : []),
  ]) as [string, unknown][];
}

const kubeconfigWriter: Rule = {
  id: 'kubeconfig-writer',
  severity: E,
  summary: 'Every kubeconfig a host-side CNI plugin reads is a host path that a writer in the app writes.',
  catches: '`error getting k8s client` / `context deadline exceeded`: a kubeconfig written under one path and referenced under another, or a pod path where a host path belongs.',
  check: (m) => m.nads.flatMap((nad) => kubeconfigReferences(parsedConfig(nad)).flatMap(([where, value]) => {
    const host = tryHost(value);
    if (host && m.hostFileWriters.some((w) => w.host.isSame(host))) return [];
    const writers = m.hostFileWriters.map((w) => `${w.writer} writes ${w.host}`);
    const podPrefix = typeof value === 'string' && /^\/host(\/|$)/.test(value) ? '; it starts with /host, a pod mount prefix, but the plugin runs on the host' : '';
    return [m.finding(nad, 'kubeconfig-writer', E, {
      field: `spec.config.${where}`,
      found: String(value),
      expected: writers.length ? `one of the files written: ${writers.join('; ')}` : 'a host file that a writer in the app writes',
      message: `the plugin reads the kubeconfig ${String(value)} on the host, and nothing in the app writes it there${podPrefix}`,
      fix: writers.length ? `reference ${m.hostFileWriters[0].host}` : 'add a MultusKubeconfigJob and reference its hostPath',
    })];
  })),
};

const oneFlavour: Rule = {
  id: 'multus-flavour',
  severity: E,
  summary: 'The thick and the thin plugin are not both deployed for the same nodes.',
  catches: 'two daemons that both write and delete 00-multus.conf, each undoing the other.',
  check: (m) => m.daemons.length === 0 ? [] : m.thinDaemons.map((t) => m.finding(t.owner, 'multus-flavour', E, {
    field: t.field,
    found: `thin plugin here, thick plugin in ${m.daemons[0].owner.kind} ${m.daemons[0].owner.namespace ?? 'default'}/${m.daemons[0].owner.name}`,
    expected: 'one Multus flavour per node',
    message: 'both write 00-multus.conf into the same config dir and delete it when they stop, so each undoes the other',
    fix: 'deploy MultusThick or MultusThin, not both, for one set of nodes',
  })),
};

const whereaboutsMounts: Rule = {
  id: 'whereabouts-mounts',
  severity: E,
  summary: 'The Whereabouts installer\'s dirs are mounted at exactly /host + the node\'s host dir, which is how it derives the host paths it writes.',
  catches: 'a whereabouts.conf that names a kubeconfig path which does not exist on the host.',
  check: (m) => m.whereaboutsInstallers.flatMap((w) => ([['CNI_CONF_DIR', m.layout.confDir, '/host/etc/cni/net.d'], ['CNI_BIN_DIR', m.layout.binDir, '/host/opt/cni/bin']] as [string, HostPath, string | undefined][])
    .flatMap(([name, intended, def]) => {
      const value = w.env.get(name) ?? def;
      const pod = tryPod(value);
      const host = pod && w.mounts.toHost(pod);
      const derived = pod && pod.path.startsWith('/host/') ? pod.path.slice('/host'.length) : undefined;
      if (host && derived === host.path && host.isSame(intended)) return [];
      return [m.finding(w.owner, 'whereabouts-mounts', E, {
        field: `${w.field}.${name}`,
        found: host ? `${value} (host ${host})` : `${value} (not mounted)`,
        expected: `/host${intended.path} (host ${intended})`,
        message: host && derived !== host.path
          ? `the installer takes ${derived ?? value} for the host path (it deletes the /host prefix), but the mount makes it host ${host}`
          : `${name} must be the node's ${name === 'CNI_CONF_DIR' ? 'CNI config dir' : 'CNI bin dir'} ${intended}, mounted at /host${intended.path}`,
        fix: `mount host ${intended} at /host${intended.path} and set ${name} to it`,
      })];
    }).concat(controlLoopMount(m, w))),
};

/** The control loop reads whereabouts.conf at a fixed pod path: it must be the node's config dir there. */
function controlLoopMount(m: Model, w: Model['whereaboutsInstallers'][number]): Finding[] {
  if (!w.controlLoop) return [];
  const dir = PodPath.of(facts.WHEREABOUTS_CONTROL_LOOP_CONF_DIR);
  const host = w.mounts.toHost(dir);
  if (host?.isSame(m.layout.confDir)) return [];
  return [m.finding(w.owner, 'whereabouts-mounts', E, {
    field: `${w.field.replace(/\.env$/, '.volumeMounts')}`,
    found: host ? `${dir} (host ${host})` : `${dir} (not mounted)`,
    expected: `${dir} (host ${m.layout.confDir})`,
    message: `the control loop reads ${dir.join('whereabouts.d', 'whereabouts.conf')} in the pod, a fixed path, to release the addresses of deleted pods; without the node's config dir there it logs "config file not found" and those addresses stay allocated`,
    fix: `also mount host ${m.layout.confDir} at ${dir} (Whereabouts does)`,
  })];
}

const whereaboutsConfig: Rule = {
  id: 'whereabouts-config',
  severity: E,
  summary: 'Every Whereabouts IPAM names a configuration_path that a Whereabouts installer writes, unless the plugin finds the file by its built-in search list.',
  catches: 'whereabouts failing to reach the API server on k3s, whose config dir is not in the plugin\'s search list.',
  check: (m) => m.nads.flatMap((nad) => {
    const config = parsedConfig(nad);
    const plugins = Array.isArray(config?.plugins) ? config.plugins : [config];
    return plugins.filter((p: any) => p?.ipam?.type === 'whereabouts').flatMap((p: any) => {
      const path = p.ipam.configuration_path;
      const writers = m.hostFileWriters.filter((w) => w.host.basename === 'whereabouts.conf');
      const written = (h: string) => writers.some((w) => w.host.path === h);
      if (typeof path === 'string' ? written(path) : facts.WHEREABOUTS_SEARCH_PATHS.some(written)) return [];
      return [m.finding(nad, 'whereabouts-config', E, {
        field: 'spec.config.ipam.configuration_path',
        found: typeof path === 'string' ? path : 'not set',
        expected: writers.length ? writers.map((w) => `${w.host} (written by ${w.writer})`).join('; ') : 'the host path of whereabouts.conf that a Whereabouts installer writes',
        message: typeof path === 'string'
          ? `the plugin reads ${path} on the host, and no Whereabouts installer in the app writes it`
          : `no configuration_path, and the plugin only searches ${facts.WHEREABOUTS_SEARCH_PATHS.join(', ')}, where nothing in the app writes whereabouts.conf`,
        fix: writers.length ? `set configuration_path to "${writers[0].host}" (Whereabouts.ipam() does)` : 'add a Whereabouts construct and take the IPAM from its ipam()',
      })];
    });
  }),
};

/** thin_entrypoint's defaults (multus cmd/thin_entrypoint). */
const THIN_DEFAULTS: { [flag: string]: string } = {
  '--cni-conf-dir': facts.THIN_DEFAULT_CNI_CONF_DIR,
  '--multus-autoconfig-dir': facts.THIN_DEFAULT_CNI_CONF_DIR,
  '--cni-bin-dir': '/host/opt/cni/bin',
  '--multus-kubeconfig-file-host': '/etc/cni/net.d/multus.d/multus.kubeconfig',
  '--multus-cni-conf-dir': '/host/etc/cni/multus/net.d',
};

const thinPaths: Rule = {
  id: 'thin-paths',
  severity: E,
  summary: 'The thin entrypoint\'s pod dirs mean the node\'s CNI dirs, and the kubeconfig path written into the host-side config is the host path of the file it writes.',
  catches: '`error getting k8s client` / `context deadline exceeded`: the thin plugin on the host reads a kubeconfig path that nothing wrote.',
  check: (m) => m.thinDaemons.flatMap((d) => {
    const out: Finding[] = [];
    const value = (flag: string) => flagValue(d.argv, [flag]) ?? THIN_DEFAULTS[flag];
    const isDefault = (flag: string) => flagValue(d.argv, [flag]) === undefined;
    const f = (flag: string, found: string, expected: string, message: string, fix: string) =>
      m.finding(d.owner, 'thin-paths', E, { field: `${d.field} (${flag}${isDefault(flag) ? ', default' : ''})`, found, expected, message, fix });
    const expectDir = (flag: string, intended: HostPath, what: string) => {
      const pod = tryPod(value(flag));
      const host = pod && d.mounts.toHost(pod);
      if (host?.isSame(intended)) return;
      const want = dedicatedView(d.mounts, intended);
      out.push(f(flag, host ? `${value(flag)} (host ${host})` : `${value(flag)} (not mounted)`, want ? `${want} (host ${intended})` : `a pod path that means host ${intended}`,
        `${flag} = ${value(flag)} must be the container's view of ${what} ${intended} on this ${m.layout.layoutName} node`,
        want ? `pass ${flag}=${want}` : `mount host ${intended} into "${d.container}" and pass ${flag} with its pod path`));
    };
    expectDir('--cni-conf-dir', m.layout.confDir, 'the CNI config dir');
    expectDir('--multus-autoconfig-dir', m.layout.confDir, 'the CNI config dir');
    // Checked with stat at start even with --skip-multus-binary-copy=true ("cni-bin-dir is not found").
    expectDir('--cni-bin-dir', m.layout.binDir, 'the CNI bin dir');
    // The entrypoint writes <cni-conf-dir>/multus.d/multus.kubeconfig and names --multus-kubeconfig-file-host in 00-multus.conf.
    const confPod = tryPod(value('--cni-conf-dir'));
    const written = confPod && d.mounts.toHost(confPod.join('multus.d', 'multus.kubeconfig'));
    const referenced = value('--multus-kubeconfig-file-host');
    if (written && referenced !== written.path) {
      const prefixed = podPrefixIn(d.mounts, referenced);
      out.push(f('--multus-kubeconfig-file-host', referenced, `${written} (where the entrypoint writes it)`,
        prefixed
          ? `the thin plugin runs on the host, but ${referenced} carries the container's mount prefix ${prefixed.mountPath}`
          : `the entrypoint writes the kubeconfig to host ${written}, but 00-multus.conf tells the thin plugin on the host to read ${referenced}`,
        `pass --multus-kubeconfig-file-host=${written}`));
    }
    return out;
  }),
};

const thinCniVersion: Rule = {
  id: 'thin-cni-version',
  severity: E,
  summary: 'The thin entrypoint\'s --cni-version, when given, is the cniVersion of the primary network\'s config.',
  catches: 'the entrypoint exiting with `Multus cni version is "0.3.1" while master plugin cni version is "1.0.0"`: 00-multus.conf(list) is never written.',
  check: (m) => {
    const primary = m.layout.primaryNetworkCniVersion;
    if (!primary) return [];
    return m.thinDaemons.flatMap((d) => {
      const given = flagValue(d.argv, ['--cni-version']);
      if (!given || given === primary || flagValue(d.argv, ['--force-cni-version']) === 'true') return [];
      const file = m.layout.primaryNetworkConfigFile ?? 'the primary network\'s config';
      return [m.finding(d.owner, 'thin-cni-version', E, {
        field: `${d.field} (--cni-version)`,
        found: given,
        expected: `${primary} (the cniVersion of ${file}), or no --cni-version`,
        message: `the entrypoint refuses to generate 00-multus.conf(list) when --cni-version differs from the cniVersion of ${file}: 'Multus cni version is "${given}" while master plugin cni version is "${primary}"'`,
        fix: `drop --cni-version (the entrypoint then takes ${primary} from ${file}), or pass --cni-version=${primary}`,
      })];
    });
  },
};

const thinCniConfDir: Rule = {
  id: 'thin-cni-conf-dir',
  severity: Severity.WARNING,
  summary: 'The thin entrypoint\'s --multus-cni-conf-dir is the same path in the container and on the host: it creates the dir in the container and writes the path into the host-side config as cniConf.',
  catches: 'a pod path (/host/etc/cni/multus/net.d, the default) in the host-side config, where the thin plugin looks for networks referenced by config name.',
  check: (m) => m.thinDaemons.flatMap((d) => {
    const value = flagValue(d.argv, ['--multus-cni-conf-dir']) ?? THIN_DEFAULTS['--multus-cni-conf-dir'];
    const pod = tryPod(value);
    const host = pod && d.mounts.toHost(pod);
    if (host && host.path === pod.path) return [];
    const want = facts.MULTUS_DEFAULT_CONF_DIR;
    return [m.finding(d.owner, 'thin-cni-conf-dir', Severity.WARNING, {
      field: `${d.field} (--multus-cni-conf-dir${flagValue(d.argv, ['--multus-cni-conf-dir']) === undefined ? ', default' : ''})`,
      found: host ? `${value} (host ${host})` : `${value} (not mounted)`,
      expected: `${want} (host ${want}, mounted at the same path)`,
      message: `the entrypoint writes "cniConf": "${value}" into the host-side config; on the host that path ${host ? `is not ${host}` : 'does not exist'}, so networks referenced by config name are not found`,
      fix: `mount host ${want} at ${want} and pass --multus-cni-conf-dir=${want} (MultusThin does)`,
    })];
  }),
};

/** Every rule, in the order findings are reported. */
export const RULES: Rule[] = [
  daemonConfigMounted, podPathMounted, podPathMeaning, binDirSamePath, installTarget, socketDir, logFile, thickKubeconfig,
  forceCniVersion, daemonConfigValid, daemonPod, netnsVisible, imagePinned, nadCrd, nadConfig, pluginAvailable,
  nadIpam, networkNameUnique, networkOverlap, dhcpDaemon, thinPaths, thinCniVersion, thinCniConfDir, attachment, kubevirtNetworks,
  kubeconfigWriter, oneFlavour, whereaboutsMounts, whereaboutsConfig,
];
