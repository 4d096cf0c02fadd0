// The rules on the thin plugin's entrypoint.
import * as facts from '../cni/facts';
import { HostPath } from '../paths';
import { defineRule } from './_define';
import { dedicatedView, podPrefixIn } from './_helpers';
import { flagValue, tryPod } from './_model';
import { Finding, Severity } from './finding';

export const thinPaths = defineRule({
  id: 'thin-paths',
  severity: Severity.ERROR,
  summary: 'The thin entrypoint\'s pod dirs mean the node\'s CNI dirs, and the kubeconfig path written into the host-side config is the host path of the file it writes.',
  catches: '`error getting k8s client` / `context deadline exceeded`: the thin plugin on the host reads a kubeconfig path that nothing wrote.',
  check: (m, report) => m.thinDaemons.flatMap((d) => {
    const out: Finding[] = [];
    const value = (flag: string) => flagValue(d.argv, [flag]) ?? facts.THIN_DEFAULT_FLAGS[flag];
    const isDefault = (flag: string) => flagValue(d.argv, [flag]) === undefined;
    const f = (flag: string, found: string, expected: string, message: string, fix: string) =>
      report(d.owner, { field: `${d.field} (${flag}${isDefault(flag) ? ', default' : ''})`, found, expected, message, fix });
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
});

export const thinCniVersion = defineRule({
  id: 'thin-cni-version',
  severity: Severity.ERROR,
  summary: 'The thin entrypoint\'s --cni-version, when given, is the cniVersion of the primary network\'s config.',
  catches: 'the entrypoint exiting with `Multus cni version is "0.3.1" while master plugin cni version is "1.0.0"`: 00-multus.conf(list) is never written.',
  check: (m, report) => {
    const primary = m.layout.primaryNetworkCniVersion;
    if (!primary) return [];
    return m.thinDaemons.flatMap((d) => {
      const given = flagValue(d.argv, ['--cni-version']);
      if (!given || given === primary || flagValue(d.argv, ['--force-cni-version']) === 'true') return [];
      const file = m.layout.primaryNetworkConfigFile ?? 'the primary network\'s config';
      return [report(d.owner, {
        field: `${d.field} (--cni-version)`,
        found: given,
        expected: `${primary} (the cniVersion of ${file}), or no --cni-version`,
        message: `the entrypoint refuses to generate 00-multus.conf(list) when --cni-version differs from the cniVersion of ${file}: 'Multus cni version is "${given}" while master plugin cni version is "${primary}"'`,
        fix: `drop --cni-version (the entrypoint then takes ${primary} from ${file}), or pass --cni-version=${primary}`,
      })];
    });
  },
});

export const thinCniConfDir = defineRule({
  id: 'thin-cni-conf-dir',
  severity: Severity.WARNING,
  summary: 'The thin entrypoint\'s --multus-cni-conf-dir is the same path in the container and on the host: it creates the dir in the container and writes the path into the host-side config as cniConf.',
  catches: 'a pod path (/host/etc/cni/multus/net.d, the default) in the host-side config, where the thin plugin looks for networks referenced by config name.',
  check: (m, report) => m.thinDaemons.flatMap((d) => {
    const value = flagValue(d.argv, ['--multus-cni-conf-dir']) ?? facts.THIN_DEFAULT_FLAGS['--multus-cni-conf-dir'];
    const pod = tryPod(value);
    const host = pod && d.mounts.toHost(pod);
    if (host && host.path === pod.path) return [];
    const want = facts.MULTUS_DEFAULT_CONF_DIR;
    return [report(d.owner, {
      field: `${d.field} (--multus-cni-conf-dir${flagValue(d.argv, ['--multus-cni-conf-dir']) === undefined ? ', default' : ''})`,
      found: host ? `${value} (host ${host})` : `${value} (not mounted)`,
      expected: `${want} (host ${want}, mounted at the same path)`,
      message: `the entrypoint writes "cniConf": "${value}" into the host-side config; on the host that path ${host ? `is not ${host}` : 'does not exist'}, so networks referenced by config name are not found`,
      fix: `mount host ${want} at ${want} and pass --multus-cni-conf-dir=${want} (MultusThin does)`,
    })];
  }),
});
