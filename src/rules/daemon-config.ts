// The rules on the thick daemon's daemon-config.json: where it is mounted, what each path in it means in the pod and on the host.
import { asText, parseJson } from '../_json';
import { CannotJudge, defineRule, Report } from './_define';
import { configField, configsToJudge, configValue, daemonsWithConfig, dedicatedView, holder, podPrefixIn } from './_helpers';
import { Model, ThickDaemon, truncate, tryHost, tryPod } from './_model';
import { DAEMON_CONFIG_PATH_FIELDS, DaemonConfigPathField } from '../cni/daemon-config';
import { CONFIG_INSTALLER_ENV_SOURCE, CONFIG_INSTALLER_ENV_TARGET } from '../cni/installer';
import { cniVersionProblem } from '../cni/versions';
import { HostPath, PodPath } from '../paths';
import { Finding, Severity } from './finding';
import * as facts from '../cni/facts';

export const daemonConfigMounted = defineRule({
  id: 'daemon-config-mounted',
  severity: Severity.ERROR,
  summary: 'The ConfigMap with daemon-config.json is mounted where the daemon reads its config, and parses as JSON.',
  catches: 'a daemon that starts on built-in defaults (/etc/cni/net.d, /opt/cni/bin) because its config is not where it looks.',
  // The model records why a daemon's config could not be read; this rule reports it.
  check: (m, report, cannotJudge) => {
    daemonsWithConfig(m, cannotJudge, 'where the config is mounted');
    return [
      ...m.daemons.flatMap((d) => (d.configProblem ? [report(d.configProblem.holder, d.configProblem)] : [])),
      // A config that no daemon of the input reads is still one that some daemon will parse.
      ...m.loneDaemonConfigs.filter((l) => l.problem).map((l) => report(l.configMap, {
        field: `data["${facts.MULTUS_DAEMON_CONFIG_KEY}"]`,
        found: truncate(asText(l.configMap.manifest.data[facts.MULTUS_DAEMON_CONFIG_KEY])),
        expected: 'a JSON object',
        message: `the daemon configuration is ${l.problem}: the daemon that reads it fails to start`,
        fix: 'write a valid JSON object',
      })),
    ];
  },
});

/**
 * The path fields judged against the layout. With a persistent Multus config written by an init
 * container, cniConfigDir is the daemon's scratch copy, judged by persistent-multus-config.
 */
function judgedPathFields(d: ThickDaemon): readonly DaemonConfigPathField[] {
  return d.configWriter ? DAEMON_CONFIG_PATH_FIELDS.filter((f) => f.key !== 'cniConfigDir') : DAEMON_CONFIG_PATH_FIELDS;
}

export const podPathMounted = defineRule({
  id: 'pod-path-mounted',
  severity: Severity.ERROR,
  summary: 'Every pod-space path in daemon-config.json that names host state lies under a volumeMount of the daemon container.',
  catches: '"daemon-config points at /etc/cni/net.d but nothing is mounted there"; a host path written where the pod path belongs.',
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'its paths').flatMap((d) => judgedPathFields(d).flatMap(({ key, daemonDefault, layoutDir }) => {
    const v = configValue(d, key, daemonDefault);
    if (!v) return [];
    const pod = tryPod(v.value);
    if (!pod) {
      return [report(holder(d), {
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
    const intended = layoutDir(m.layout);
    const intendedPod = intended && dedicatedView(d.mounts, intended);
    const seenAt = intended?.path === pod.path ? intendedPod : dedicatedView(d.mounts, HostPath.of(pod.path));
    const expected = seenAt ?? intendedPod;
    let message = `${label} = ${pod} lies under no hostPath volumeMount of container "${d.container.name}", so the daemon reads a directory of its own image, not the node's`;
    if (seenAt) message = `${label} = ${pod} is a host path: the daemon runs in a container, where that host dir is mounted at ${seenAt}`;
    return [report(holder(d), {
      field: configField(key),
      found: pod.path,
      expected: expected ? expected.path : `a path under one of the container's mounts (${d.mounts.entries.map((e) => e.mountPath.path).join(', ')})`,
      message,
      fix: expected ? `set ${key} to "${expected}"` : `mount the host dir${intended ? ` ${intended}` : ''} into container "${d.container.name}" and set ${key} to the pod path it appears at`,
    })];
  })),
});

export const podPathMeaning = defineRule({
  id: 'pod-path-meaning',
  severity: Severity.ERROR,
  summary: 'Each mounted pod path in daemon-config.json means the intended host path (config dir, readiness file, host root).',
  catches: '`cni-conf-dir is not found: stat /host/var/lib/rancher/k3s/agent/var/lib/...`: a full host path prefixed again.',
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'its paths').flatMap((d) => judgedPathFields(d).flatMap(({ key, daemonDefault, layoutDir }) => {
    const v = configValue(d, key, daemonDefault);
    const intended = layoutDir(m.layout);
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
    return [report(holder(d), {
      field: configField(key),
      found: `${pod} (host ${host})`,
      expected: intendedPod ? `${intendedPod} (host ${intended})` : `a pod path that means host ${intended}`,
      message,
      fix: intendedPod ? `set ${key} to "${intendedPod}"` : `mount host ${intended} into container "${d.container.name}" and set ${key} to where it appears`,
    })];
  })),
});

export const binDirSamePath = defineRule({
  id: 'bin-dir-same-path',
  severity: Severity.ERROR,
  summary: 'binDir is the node\'s real CNI bin dir, mounted at the same path in the daemon container, symlink targets included.',
  catches: '`failed to find plugin "portmap" in path [/host/opt/cni/bin]`: the delegate bin dir is not the host\'s real bin dir.',
  check: (m, report, cannotJudge) => {
    for (const { owner, field, by } of m.deployedAtRunTime) {
      cannotJudge(owner, {
        field,
        missing: `Multus is deployed at run time by ${by}; its DaemonSet and config are not in the input, so whether the bin dir it uses is ${m.layout.binDir} ` +
          'cannot be judged: render it (helm template with these values) and lint the output',
      });
    }
    return judgeBinDir(m, report, cannotJudge);
  },
});

function judgeBinDir(m: Model, report: Report, cannotJudge: CannotJudge): Finding[] {
  return daemonsWithConfig(m, cannotJudge, 'binDir').flatMap((d) => {
    const v = configValue(d, 'binDir', facts.MULTUS_DEFAULT_BIN_DIR)!;
    const label = v.isDefault ? `binDir (not set; the default is ${v.value})` : 'binDir';
    const pod = tryPod(v.value);
    const bin = m.layout.binDir;
    const fix = `set binDir to "${bin}" and mount host ${m.layout.binDirMountRoot} at ${m.layout.binDirMountRoot} in container "${d.container.name}"`;
    const out: Finding[] = [];
    const f = (found: string, message: string) => report(holder(d), { field: configField('binDir'), found, expected: `${bin}, the same path in pod and host`, message, fix });
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
  });
}

/** Host dirs that other programs share; the daemon deletes and recreates its socket dir. */
const SHARED_DIRS = ['/', '/run', '/var/run', '/tmp', '/var', '/etc', '/var/lib'];

export const socketDir = defineRule({
  id: 'socket-dir',
  severity: Severity.ERROR,
  summary: 'socketDir is a dedicated dir below a mount, and the shim\'s daemonSocketDir names the same host dir.',
  catches: 'every pod ADD hangs then fails: the shim dials a socket the daemon did not create there.',
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'socketDir').flatMap((d) => {
    const v = configValue(d, 'socketDir', facts.MULTUS_DEFAULT_SOCKET_DIR)!;
    const pod = tryPod(v.value);
    const host = pod && d.mounts.toHost(pod);
    if (!pod || !host) return []; // reported by pod-path-mounted
    const shimValue = configValue(d, 'daemonSocketDir', facts.MULTUS_DEFAULT_SOCKET_DIR)!;
    const shim = tryHost(shimValue.value);
    const out: Finding[] = [];
    const prefixed = shimValue.isDefault ? undefined : podPrefixIn(d.mounts, shimValue.value);
    if (prefixed) {
      out.push(report(holder(d), {
        field: configField('daemonSocketDir'),
        found: shimValue.value,
        expected: `${host}, a host path`,
        message: `daemonSocketDir is read by multus-shim on the host, but ${shimValue.value} carries the daemon container's mount prefix ${prefixed.mountPath} (host ${prefixed.hostPath})`,
        fix: `set daemonSocketDir to "${host}"`,
      }));
    } else if (!shim || !shim.isSame(host)) {
      const shimSeenAt = d.mounts.toPod(shim ?? HostPath.of(facts.MULTUS_DEFAULT_SOCKET_DIR));
      out.push(report(holder(d), {
        field: configField(shimValue.isDefault ? 'socketDir' : 'daemonSocketDir'),
        found: `socketDir ${pod} (host ${host}), daemonSocketDir ${shimValue.value}${shimValue.isDefault ? ' (default)' : ''}`,
        expected: 'both naming the same host dir',
        message: `the daemon listens on host ${host}/multus.sock, but multus-shim on the host dials ${shim ?? shimValue.value}/multus.sock`,
        fix: shimSeenAt ? `set socketDir to "${shimSeenAt}"` : `set daemonSocketDir to "${host}"`,
      }));
    }
    if (d.mounts.isMountPoint(pod)) {
      out.push(report(holder(d), {
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
      out.push(report(holder(d), {
        field: configField('socketDir'),
        found: `${pod} (host ${host})`,
        expected: 'a dir used by Multus alone, such as host /run/multus',
        message: `the daemon deletes ${host} and everything in it at start, which would take ${shared} with it`,
        fix: `point socketDir at a dedicated dir such as ${d.mounts.toPod(HostPath.of(facts.MULTUS_DEFAULT_SOCKET_DIR)) ?? '/host/run/multus'}`,
      }));
    }
    return out;
  }),
});

export const logFile = defineRule({
  id: 'log-file',
  severity: Severity.ERROR,
  summary: 'A logFile is the same path in the daemon container and on the host, because multus-shim writes it on the host.',
  catches: 'logs of the shim and of the daemon end up in two different files, one of them inside the image.',
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'logFile').flatMap((d) => {
    const v = configValue(d, 'logFile');
    if (!v) return [];
    const pod = tryPod(v.value);
    const host = pod && d.mounts.toHost(pod);
    if (pod && host && host.path === pod.path) return [];
    return [report(holder(d), {
      field: configField('logFile'),
      found: host ? `${pod} (host ${host})` : `${v.value} (inside the image)`,
      expected: `${v.value} mounted at the same path`,
      message: `the daemon writes ${v.value} in its container and copies logFile into 00-multus.conf, where multus-shim writes ${v.value} on the host: two different files`,
      fix: pod ? `mount host ${pod.parent} at ${pod.parent} in container "${d.container.name}", or drop logFile and keep logToStderr` : 'write an absolute path',
    })];
  }),
});

export const thickKubeconfig = defineRule({
  id: 'thick-kubeconfig',
  severity: Severity.ERROR,
  summary: 'A thick daemon config carries no kubeconfig: the daemon ignores it and uses its ServiceAccount.',
  catches: 'a multus.kubeconfig copied around for the thick plugin, which does nothing (and, copied from k3s.yaml, leaks cluster-admin).',
  check: (m, report, cannotJudge) => configsToJudge(m, cannotJudge, 'kubeconfig').filter((c) => 'kubeconfig' in c.config).map((c) => report(c.holder, {
    field: configField('kubeconfig'),
    found: JSON.stringify(c.config.kubeconfig),
    expected: 'no kubeconfig key',
    message: 'the thick daemon ignores kubeconfig and talks to the API server with its ServiceAccount; the file it names is never read',
    fix: 'remove kubeconfig; for per-node credentials use perNodeCertificate with its bootstrapKubeconfig',
  })),
});

export const forceCniVersion = defineRule({
  id: 'force-cni-version',
  severity: Severity.ERROR,
  summary: 'forceCNIVersion is not used where the distribution owns the primary network\'s config file.',
  catches: 'k3s rewrites 10-flannel.conflist at every start, undoing or fighting the daemon\'s in-place edit.',
  check: (m, report, cannotJudge) => !m.layout.primaryConfigManagedByDistribution ? [] :
    configsToJudge(m, cannotJudge, 'forceCNIVersion').filter((c) => c.config.forceCNIVersion === true).map((c) => report(c.holder, {
      field: configField('forceCNIVersion'),
      found: 'true',
      expected: 'false or absent',
      message: `forceCNIVersion rewrites the primary network's config file in ${m.layout.confDir}, which ${m.layout.layoutName} owns and rewrites itself`,
      fix: 'remove forceCNIVersion; set cniVersion to a version the primary network\'s config supports',
    })),
});

export const daemonConfigValid = defineRule({
  id: 'daemon-config-valid',
  severity: Severity.ERROR,
  summary: 'daemon-config.json has the keys the daemon needs, with values it accepts.',
  catches: 'a daemon that starts but generates no 00-multus.conf, or logs nothing.',
  check: (m, report, cannotJudge) => configsToJudge(m, cannotJudge, 'its keys').flatMap(({ holder: at, config: c, daemon: d }) => {
    const out: Finding[] = [];
    const auto = (c.multusConfigFile ?? 'auto') === 'auto';
    if (auto && (typeof c.cniVersion !== 'string' || c.cniVersion === '')) {
      out.push(report(at, {
        field: configField('cniVersion'),
        found: JSON.stringify(c.cniVersion),
        expected: 'a CNI version such as "0.3.1" or "1.0.0"',
        message: 'with multusConfigFile "auto" the daemon needs cniVersion to generate 00-multus.conf',
        fix: 'set cniVersion',
      }));
    } else if (auto && cniVersionProblem(c.cniVersion)) {
      out.push(report(at, {
        field: configField('cniVersion'),
        found: JSON.stringify(c.cniVersion),
        expected: `one of ${facts.CNI_VERSIONS.join(', ')}`,
        message: `${cniVersionProblem(c.cniVersion)}: the daemon writes it into 00-multus.conf, so every pod's ADD fails`,
        fix: 'set cniVersion to "0.3.1" or "1.0.0"',
      }));
    }
    if (auto && c.multusAutoconfigDir === undefined) {
      out.push(report(at, {
        field: configField('multusAutoconfigDir'),
        found: 'absent',
        expected: 'the pod path of the node\'s CNI config dir',
        message: 'with multusConfigFile "auto" the daemon finds the primary network in multusAutoconfigDir',
        fix: `set multusAutoconfigDir to "${d?.mounts.toPod(m.layout.confDir) ?? 'the pod path of ' + m.layout.confDir}"`,
      }));
    }
    if (c.logLevel !== undefined && !facts.MULTUS_LOG_LEVELS.includes(asText(c.logLevel).toLowerCase())) {
      out.push(report(at, {
        field: configField('logLevel'),
        found: JSON.stringify(c.logLevel),
        expected: facts.MULTUS_LOG_LEVELS.join(' | '),
        message: 'the daemon ignores an unknown logLevel and stays at "panic"',
        fix: `use one of ${facts.MULTUS_LOG_LEVELS.join(', ')}`,
      }));
    }
    return out;
  }),
});

export const multusConfigFile = defineRule({
  id: 'multus-config-file',
  severity: Severity.ERROR,
  summary: 'multusConfigFile is "auto": the v4.3.0 thick daemon given a config file path exits as soon as it has started.',
  catches: 'a thick DaemonSet in CrashLoopBackOff with no error in its log (multus-cni #1366, #1508), from a config file given to keep 00-multus.conf across restarts.',
  check: (m, report, cannotJudge) => configsToJudge(m, cannotJudge, 'multusConfigFile')
    .filter((c) => c.config.multusConfigFile !== undefined && c.config.multusConfigFile !== 'auto').map(({ holder: at, config, daemon: d }) => {
      const value = config.multusConfigFile;
      const pod = tryPod(value);
      const mount = pod && d?.mounts.mountAt(pod);
      const besides = !pod ? '; besides, the value is not an absolute path'
        : d && !mount ? `; besides, ${pod} lies under no volumeMount of container "${d.container.name}", so the daemon has nothing to copy` : '';
      return report(at, {
        field: configField('multusConfigFile'),
        found: JSON.stringify(value),
        expected: '"auto"',
        message: 'the v4.3.0 daemon copies a given config file into cniConfigDir and returns from main right after starting its server '
        + `(cmd/multus-daemon/main.go: only "auto" starts the config manager that main waits for), so it exits 0 at once and restarts forever${besides}`,
        fix: 'set multusConfigFile to "auto"; to keep 00-multus.conf across restarts use MultusThick\'s configLifetime: MultusConfigLifetime.PERSISTENT, which writes it from an init container and points the daemon\'s own copy at a scratch dir',
      });
    }),
});

/** A persistent config writer whose daemon's config is in a ConfigMap outside the input: noted, and not judged. */
function noteWriterWithoutConfig(d: ThickDaemon, cannotJudge: CannotJudge): false {
  if (d.configMissing) {
    cannotJudge(d.owner, {
      field: d.configMissing.field,
      missing: `the daemon reads ${d.configPath} from ConfigMap "${d.configMissing.configMapName}", which is not in the input, so the persistent config cannot be compared with it; lint the ConfigMap with it`,
    });
  }
  return false;
}

export const persistentMultusConfig = defineRule({
  id: 'persistent-multus-config',
  severity: Severity.ERROR,
  summary: 'A Multus config written from a ConfigMap by an init container is mounted, lands in the node\'s CNI config dir, and is what the daemon would generate: multus-shim, the daemon\'s socket dir, its cniVersion, the primary network.',
  catches: 'a persistent 00-multus.conf whose shim dials a socket the daemon does not listen on, or that never reaches containerd\'s config dir, or that the daemon deletes at its next stop.',
  check: (m, report, cannotJudge) => m.daemons.filter((d) => d.configWriter && (d.config || noteWriterWithoutConfig(d, cannotJudge))).flatMap((d) => {
    const w = d.configWriter!;
    const out: Finding[] = [];
    const writerField = (env: string) => `${w.field}.${env}`;
    if (w.sourceProblem) {
      out.push(report(d.owner, {
        field: writerField(CONFIG_INSTALLER_ENV_SOURCE),
        found: w.sourceValue ?? 'absent',
        expected: `a file of the ConfigMap volume mounted in init container "${w.container}"`,
        message: `${w.sourceProblem}; the init container fails and the daemon's pod never starts`,
        fix: `mount the ConfigMap that holds ${facts.MULTUS_CONFIG_FILE} in init container "${w.container}" and set ${CONFIG_INSTALLER_ENV_SOURCE} to its file there`,
      }));
    }
    const dir = tryPod(w.dirValue);
    const dirHost = dir && w.mounts.toHost(dir);
    const confPod = dedicatedView(w.mounts, m.layout.confDir);
    if (!dirHost || !dirHost.isSame(m.layout.confDir)) {
      out.push(report(d.owner, {
        field: writerField(CONFIG_INSTALLER_ENV_TARGET),
        found: dirHost ? `${dir} (host ${dirHost})` : `${w.dirValue ?? 'absent'} (not mounted)`,
        expected: `${confPod ?? 'a pod path'} (host ${m.layout.confDir})`,
        message: `the Multus config must land in the node's CNI config dir ${m.layout.confDir} (${m.layout.layoutName}), where containerd picks the first file; ${dirHost ? `host ${dirHost} is not read by containerd` : 'this dir lies under no hostPath volumeMount, so the file stays in the container'}`,
        fix: confPod ? `set ${CONFIG_INSTALLER_ENV_TARGET} to "${confPod}"` : `mount host ${m.layout.confDir} in init container "${w.container}" and set ${CONFIG_INSTALLER_ENV_TARGET} to where it appears`,
      }));
    }
    const primary = m.layout.primaryNetworkConfigFile;
    if (w.fileName && primary && !(w.fileName < primary)) {
      out.push(report(d.owner, {
        field: writerField(CONFIG_INSTALLER_ENV_SOURCE),
        found: w.fileName,
        expected: `a name sorting before ${primary}, such as ${facts.MULTUS_CONFIG_FILE}`,
        message: `containerd uses the first config file by name; ${w.fileName} sorts after the primary network's ${primary}, so Multus is never called`,
        fix: `name the file ${facts.MULTUS_CONFIG_FILE}`,
      }));
    }
    // The daemon in "auto" mode deletes cniConfigDir/00-multus.conf at every graceful stop.
    const scratch = configValue(d, 'cniConfigDir', facts.STANDARD_CONF_DIR)!;
    const scratchPod = tryPod(scratch.value);
    const scratchHost = scratchPod && d.mounts.toHost(scratchPod);
    if ((d.config!.multusConfigFile ?? 'auto') === 'auto' && scratchHost?.isSame(m.layout.confDir)) {
      out.push(report(holder(d), {
        field: configField('cniConfigDir'),
        found: `${scratch.value} (host ${scratchHost})`,
        expected: 'a scratch dir of the daemon\'s pod (an emptyDir)',
        message: `the daemon writes its generated ${facts.MULTUS_CONFIG_FILE} into cniConfigDir and deletes it at every graceful stop: in the node's config dir that removes the persistent config the init container wrote`,
        fix: 'point cniConfigDir at an emptyDir mounted in the daemon container, such as /tmp/multus-generated',
      }));
    }
    if (w.text !== undefined) out.push(...judgeShimConfig(m, d, w.text, report));
    return out;
  }),
});

/** The persistent config's content, judged against the daemon that serves it. */
function judgeShimConfig(m: Model, d: ThickDaemon, text: string, report: Report): Finding[] {
  const w = d.configWriter!;
  const holderCm = w.configMap!;
  const key = w.fileName ?? facts.MULTUS_CONFIG_FILE;
  const f = (field: string, found: string, expected: string, message: string, fix: string) =>
    report(holderCm, { field: `data["${key}"]${field ? '.' + field : ''}`, found, expected, message, fix });
  let conf: any;
  try {
    conf = parseJson(text);
  } catch (e) {
    return [f('', truncate(text), 'a JSON object', `the Multus config is not valid JSON (${(e as Error).message}); containerd skips it and pods get the primary network alone`, 'write valid JSON')];
  }
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) return [f('', truncate(text), 'a JSON object', 'the Multus config is not a JSON object', 'write a JSON object')];
  const out: Finding[] = [];
  if (conf.type !== facts.MULTUS_SHIM) {
    out.push(f('type', JSON.stringify(conf.type), `"${facts.MULTUS_SHIM}"`, `with the thick daemon containerd must run ${facts.MULTUS_SHIM}, which forwards each call to the daemon`, `set type to "${facts.MULTUS_SHIM}"`));
  }
  const daemonVersion = d.config!.cniVersion;
  if (typeof conf.cniVersion !== 'string' || cniVersionProblem(conf.cniVersion)) {
    const problem = typeof conf.cniVersion === 'string' ? cniVersionProblem(conf.cniVersion) : 'cniVersion is missing or not a string';
    out.push(f('cniVersion', JSON.stringify(conf.cniVersion), `one of ${facts.CNI_VERSIONS.join(', ')}`, `${problem}: containerd refuses the config`, `set cniVersion to ${JSON.stringify(daemonVersion ?? '0.3.1')}`));
  } else if (typeof daemonVersion === 'string' && conf.cniVersion !== daemonVersion) {
    out.push(f('cniVersion', JSON.stringify(conf.cniVersion), JSON.stringify(daemonVersion), `the daemon config's cniVersion is ${daemonVersion}, which the daemon writes into the config it generates and applies to every request; this file says ${conf.cniVersion}`, `set cniVersion to ${JSON.stringify(daemonVersion)}`));
  }
  // The shim reads daemonSocketDir from this file, on the host.
  const socket = configValue(d, 'socketDir', facts.MULTUS_DEFAULT_SOCKET_DIR)!;
  const socketPod = tryPod(socket.value);
  const socketHost = socketPod && d.mounts.toHost(socketPod);
  const shimDir = typeof conf.daemonSocketDir === 'string' && conf.daemonSocketDir !== '' ? conf.daemonSocketDir : facts.MULTUS_DEFAULT_SOCKET_DIR;
  const shimHost = tryHost(shimDir);
  if (socketHost && (!shimHost || !shimHost.isSame(socketHost))) {
    out.push(f('daemonSocketDir', `${JSON.stringify(conf.daemonSocketDir)}${conf.daemonSocketDir === undefined ? ` (the shim's default ${facts.MULTUS_DEFAULT_SOCKET_DIR})` : ''}`, `${socketHost}, where the daemon listens`,
      `multus-shim on the host dials ${shimDir}/${facts.MULTUS_SOCKET_FILE}, but the daemon's socketDir ${socket.value} is host ${socketHost}: every pod's ADD fails even with the daemon up`,
      `set daemonSocketDir to "${socketHost}" (or leave it out when that is ${facts.MULTUS_DEFAULT_SOCKET_DIR})`));
  }
  // containerd passes runtime config (hostPort mappings, bandwidth) only for capabilities this file declares.
  const declared = typeof conf.capabilities === 'object' && conf.capabilities !== null ? conf.capabilities : {};
  const lacking = (m.layout.primaryNetworkCapabilities ?? []).filter((c) => declared[c] !== true);
  if (lacking.length > 0) {
    out.push(f('capabilities', JSON.stringify(conf.capabilities ?? null), `${lacking.map((c) => `"${c}": true`).join(', ')} among them`,
      `the primary network's config declares ${lacking.join(', ')}, which the daemon copies into the config it generates; without them containerd passes no ${lacking.join(' or ')} runtime config, and hostPort mappings or bandwidth limits of pods are silently ignored`,
      `add ${lacking.map((c) => `"${c}": true`).join(', ')} to capabilities`));
  }
  // clusterNetwork is read by the daemon, in its container, at every ADD.
  const primary = m.layout.primaryNetworkConfigFile;
  const cluster = tryPod(conf.clusterNetwork);
  const clusterHost = cluster && d.mounts.toHost(cluster);
  const wanted = primary ? m.layout.confDir.join(primary) : undefined;
  const wantedPod = wanted && dedicatedView(d.mounts, wanted);
  if (conf.clusterNetwork === undefined || (cluster && (!clusterHost || (wanted && !clusterHost.isSame(wanted))))) {
    out.push(f('clusterNetwork', conf.clusterNetwork === undefined ? 'absent' : `${cluster}${clusterHost ? ` (host ${clusterHost})` : ' (not mounted in the daemon)'}`,
      wantedPod ? `${wantedPod} (host ${wanted})` : 'the daemon\'s pod path of the primary network\'s config',
      `the daemon reads the primary network's config from clusterNetwork, in its container, at every ADD; ${conf.clusterNetwork === undefined ? 'without it every ADD fails' : clusterHost ? `host ${clusterHost} is not the primary network's ${wanted}` : 'nothing is mounted there, so every ADD fails'}`,
      wantedPod ? `set clusterNetwork to "${wantedPod}"` : 'set clusterNetwork to the daemon\'s pod path of the primary network\'s config file'));
  }
  return out;
}
