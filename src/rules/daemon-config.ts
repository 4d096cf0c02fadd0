// The rules on the thick daemon's daemon-config.json: where it is mounted, what each path in it means in the pod and on the host.
import { asText } from '../_json';
import { CannotJudge, defineRule, Report } from './_define';
import { configField, configsToJudge, configValue, daemonsWithConfig, dedicatedView, holder, podPrefixIn } from './_helpers';
import { Model, truncate, tryHost, tryPod } from './_model';
import { DAEMON_CONFIG_PATH_FIELDS } from '../cni/daemon-config';
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

export const podPathMounted = defineRule({
  id: 'pod-path-mounted',
  severity: Severity.ERROR,
  summary: 'Every pod-space path in daemon-config.json that names host state lies under a volumeMount of the daemon container.',
  catches: '"daemon-config points at /etc/cni/net.d but nothing is mounted there"; a host path written where the pod path belongs.',
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'its paths').flatMap((d) => DAEMON_CONFIG_PATH_FIELDS.flatMap(({ key, daemonDefault, layoutDir }) => {
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
  check: (m, report, cannotJudge) => daemonsWithConfig(m, cannotJudge, 'its paths').flatMap((d) => DAEMON_CONFIG_PATH_FIELDS.flatMap(({ key, daemonDefault, layoutDir }) => {
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
