// The rules on the node daemons as pods: installers, the daemon's pod settings, one Multus flavour, the DHCP daemon.
import * as facts from '../cni/facts';
import { HostPath, PodPath } from '../paths';
import { defineRule } from './_define';
import { nadKey, parsedConfig } from './_helpers';
import { tryPod } from './_model';
import { Finding, Severity } from './finding';

export const installTarget = defineRule({
  id: 'install-target',
  severity: Severity.ERROR,
  summary: 'Every installer init container writes into a dir that is, on the host, the node\'s CNI bin dir.',
  catches: '`failed to find plugin "multus-shim" in path [/var/lib/rancher/k3s/data/cni]`: the shim installed to /opt/cni/bin.',
  check: (m, report) => m.installers.flatMap((i) => {
    const host = i.mounts.toHost(i.target);
    if (host && host.isSame(m.layout.binDir)) return [];
    const podForBin = i.mounts.toPod(m.layout.binDir);
    return [report(i.owner, {
      field: i.targetField,
      found: host ? `${i.target} (host ${host})` : `${i.target} (not mounted: inside the image)`,
      expected: podForBin ? `${podForBin} (host ${m.layout.binDir})` : `a pod path that means host ${m.layout.binDir}`,
      message: `init container "${i.container}" installs ${i.plugins.join(', ') || 'plugins'} into ${host ?? 'the container image'}, but containerd on this ${m.layout.layoutName} node looks up plugins only in ${m.layout.binDir}; they will never be found`,
      fix: podForBin ? `install into "${podForBin}"` : `mount host ${m.layout.binDirMountRoot} at the same path in "${i.container}" and install into "${m.layout.binDir}"`,
    })];
  }),
});

export const daemonPod = defineRule({
  id: 'daemon-pod',
  severity: Severity.ERROR,
  summary: 'The daemon pod has hostNetwork, hostPID and a privileged daemon container.',
  catches: 'delegates that configure the wrong network namespace, or a daemon that cannot chroot into the host.',
  check: (m, report) => m.daemons.flatMap((d) => {
    const spec = d.podSpec;
    const out: Finding[] = [];
    const need = (field: string, ok: boolean, message: string) => {
      if (!ok) {
        out.push(report(d.owner, {
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
});

export const netnsVisible = defineRule({
  id: 'netns-visible',
  severity: Severity.ERROR,
  summary: 'The daemon sees the host\'s /run/netns at the same path, with HostToContainer propagation.',
  catches: 'ADD fails on a network namespace that appears as an empty file: it was mounted after the daemon started.',
  check: (m, report) => m.daemons.flatMap((d) => {
    const netns = PodPath.of('/run/netns');
    const host = d.mounts.toHost(netns);
    const mount = d.mounts.mountAt(netns);
    const ok = host?.path === '/run/netns' && ['HostToContainer', 'Bidirectional'].includes(mount?.propagation ?? '');
    if (ok) return [];
    return [report(d.owner, {
      field: `spec.template.spec.containers[${d.containerIndex}].volumeMounts`,
      found: host ? `/run/netns means host ${host}, propagation ${mount?.propagation ?? 'None'}` : '/run/netns not mounted',
      expected: 'host /run/netns at /run/netns with mountPropagation HostToContainer',
      message: 'containerd passes the pod\'s network namespace as a host path under /run/netns, created after the daemon started; the daemon opens that path in its container',
      fix: 'mount the hostPath /run/netns at /run/netns with mountPropagation: HostToContainer',
    })];
  }),
});

export const oneFlavour = defineRule({
  id: 'multus-flavour',
  severity: Severity.ERROR,
  summary: 'The thick and the thin plugin are not both deployed for the same nodes.',
  catches: 'two daemons that both write and delete 00-multus.conf, each undoing the other.',
  check: (m, report) => m.daemons.length === 0 ? [] : m.thinDaemons.map((t) => report(t.owner, {
    field: t.field,
    found: `thin plugin here, thick plugin in ${m.daemons[0].owner.kind} ${m.daemons[0].owner.namespace ?? 'default'}/${m.daemons[0].owner.name}`,
    expected: 'one Multus flavour per node',
    message: 'both write 00-multus.conf into the same config dir and delete it when they stop, so each undoes the other',
    fix: 'deploy MultusThick or MultusThin, not both, for one set of nodes',
  })),
});

export const dhcpDaemon = defineRule({
  id: 'dhcp-daemon',
  severity: Severity.ERROR,
  summary: 'Networks with DHCP IPAM have a DHCP daemon in the app, running the node\'s dhcp plugin and serving host /run/cni.',
  catches: 'ADD failing with "dial unix /run/cni/dhcp.sock: connect: no such file or directory".',
  check: (m, report) => {
    const out: Finding[] = [];
    for (const d of m.dhcpDaemons) {
      const host = d.mounts.toHost(d.binary);
      const expected = m.layout.binDir.join('dhcp');
      if (!host?.isSame(expected)) {
        out.push(report(d.owner, {
          field: d.field,
          found: host ? `${d.binary} (host ${host})` : `${d.binary} (inside the image)`,
          expected: `host ${expected}`,
          message: `the DHCP daemon "${d.container}" runs ${d.binary}, which is not the dhcp plugin in the node's bin dir ${m.layout.binDir}`,
          fix: `mount host ${m.layout.binDirMountRoot} at the same path and run ${expected} daemon`,
        }));
      }
      const sock = d.mounts.toHost(PodPath.of(facts.DHCP_SOCKET_DIR));
      if (!sock?.isSame(HostPath.of(facts.DHCP_SOCKET_DIR))) {
        out.push(report(d.owner, {
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
        out.push(report(nad, {
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
});

export const doctorRoot = defineRule({
  id: 'doctor-root',
  severity: Severity.ERROR,
  summary: 'A container that runs `cdk8s-multus doctor` sees the host\'s `/`, read-only, at the path its --root names.',
  catches: 'a doctor that reports on its own container image instead of the node, or one that could write to the node it inspects.',
  layoutIndependent: true,
  check: (m, report) => m.doctors.flatMap((d) => {
    const root = tryPod(d.root);
    const host = root && d.mounts.toHost(root);
    const mount = root && d.mounts.mountAt(root);
    if (host?.isSame(HostPath.ROOT) && mount?.readOnly) return [];
    return [report(d.owner, {
      field: `${d.field}.volumeMounts`,
      found: host ? `--root ${d.root} means host ${host}${mount?.readOnly ? '' : ', writable'}` : `--root ${d.root} is not mounted from the host: it names the container's own file system`,
      expected: `host / mounted read-only at ${d.root}`,
      message: `doctor in container "${d.container}" reads the node through --root ${d.root}; it must be the host's root and read-only, since doctor never changes the node`,
      fix: `mount the hostPath / at ${root && !root.isSame(PodPath.of('/')) ? d.root : '/host'} with readOnly: true${root && !root.isSame(PodPath.of('/')) ? '' : ' and pass --root /host'}`,
    })];
  }),
});
