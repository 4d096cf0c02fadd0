// The field mistakes of DOMAIN.md section 8, made by editing the synthesized YAML (bypassing the
// library's validation). Each must fail on the simulated node with the error the field saw, and
// the library's lint must flag it with one of the rules named.
export type Doc = Record<string, any>;

export interface Variant {
  readonly id: string;
  readonly mistake: string;
  readonly mutate: (docs: Doc[]) => Doc[];
  /** The error on the node. */
  readonly expect: RegExp;
  /** Lint rules, any of which flags the mistake. */
  readonly rules: string[];
  /**
   * What `cdk8s-multus doctor` finds on the node the mistake leaves: nothing where the mistake
   * lives only in the pod's config (lint's part), never a finding that is not the mistake's.
   */
  readonly doctor: string[];
}

const K3S_CONF = '/var/lib/rancher/k3s/agent/etc/cni/net.d';

function daemonConfig(docs: Doc[], edit: (c: Record<string, any>) => void): Doc[] {
  const cm = docs.find((d) => d.kind === 'ConfigMap' && d.data?.['daemon-config.json']);
  if (!cm) throw new Error('no daemon-config.json ConfigMap');
  const c = JSON.parse(cm.data['daemon-config.json']);
  edit(c);
  cm.data['daemon-config.json'] = JSON.stringify(c, null, 2);
  return docs;
}

function podSpec(docs: Doc[]): Doc {
  const ds = docs.find((d) => d.kind === 'DaemonSet');
  if (!ds) throw new Error('no DaemonSet');
  return ds.spec.template.spec;
}

function initContainer(docs: Doc[], name: string): Doc {
  const c = (podSpec(docs).initContainers ?? []).find((x: Doc) => x.name === name);
  if (!c) throw new Error(`no init container ${name}`);
  return c;
}

export const VARIANTS: Variant[] = [
  {
    id: 'doubled-prefix',
    mistake: 'the host config dir appended to the pod-side /host prefix of the agent dir',
    mutate: (docs) => daemonConfig(docs, (c) => {
      c.cniConfigDir = c.multusAutoconfigDir = `/host/var/lib/rancher/k3s/agent${K3S_CONF}`;
    }),
    expect: /failed to add watch on "\/host\/var\/lib\/rancher\/k3s\/agent\/var\/lib\/[^"]*" for cni config: no such file or directory/,
    rules: ['pod-path-mounted'],
    doctor: ['multus-config-missing'],
  },
  {
    id: 'host-path-in-daemon-config',
    mistake: 'the host path of the config dir where the daemon reads a pod path',
    mutate: (docs) => daemonConfig(docs, (c) => {
      c.cniConfigDir = c.multusAutoconfigDir = K3S_CONF;
    }),
    expect: /failed to add watch on "\/var\/lib\/rancher\/k3s\/agent\/etc\/cni\/net.d" for cni config: no such file or directory/,
    rules: ['pod-path-mounted'],
    doctor: ['multus-config-missing'],
  },
  {
    id: 'bin-dir-behind-host-prefix',
    mistake: 'binDir as the pod sees the bin dir under /host, where the delegates, exec\'d chrooted on the host, find nothing',
    mutate: (docs) => {
      const ds = docs.find((d) => d.kind === 'DaemonSet');
      const daemon = ds!.spec.template.spec.containers[0];
      daemon.volumeMounts.push({ name: 'cni-bin', mountPath: '/host/var/lib/rancher/k3s/data', readOnly: true });
      return daemonConfig(docs, (c) => {
        c.binDir = '/host/var/lib/rancher/k3s/data/cni';
      });
    },
    // Found by stat in the pod, then exec'd chrooted on the host, where that path does not exist.
    expect: /fork\/exec \/host\/var\/lib\/rancher\/k3s\/data\/cni\/bridge: no such file or directory/,
    rules: ['bin-dir-same-path'],
    doctor: [],
  },
  {
    id: 'shim-in-opt-cni-bin',
    mistake: 'multus-shim installed into /opt/cni/bin, which k3s\'s containerd does not search',
    mutate: (docs) => {
      const c = initContainer(docs, 'install-multus-shim');
      c.command = c.command.map((a: string, i: number) => (c.command[i - 1] === '-d' ? '/host/opt/cni/bin' : a));
      c.volumeMounts = [{ name: 'host-opt-cni-bin', mountPath: '/host/opt/cni/bin' }];
      podSpec(docs).volumes.push({ name: 'host-opt-cni-bin', hostPath: { path: '/opt/cni/bin', type: 'DirectoryOrCreate' } });
      return docs;
    },
    expect: /failed to find plugin "multus-shim" in path \[[^\]]*\]/,
    rules: ['install-target'],
    doctor: ['multus-binary-wrong-dir'],
  },
  {
    id: 'macvlan-not-installed',
    mistake: 'macvlan left out of the installed plugins; k3s does not bundle it',
    mutate: (docs) => {
      const env = initContainer(docs, 'install-cni-plugins').env.find((e: Doc) => e.name === 'CNI_PLUGINS');
      env.value = env.value.split(' ').filter((p: string) => p !== 'macvlan').join(' ');
      return docs;
    },
    expect: /failed to find plugin "macvlan" in path \[[^\]]*\]/,
    rules: ['plugin-available'],
    doctor: ['plugin-missing'],
  },
  {
    id: 'subnet-with-host-bits',
    mistake: 'the pod\'s address written as a host-local subnet',
    mutate: (docs) => {
      const nad = docs.find((d) => d.kind === 'NetworkAttachmentDefinition');
      if (!nad) throw new Error('no NetworkAttachmentDefinition');
      const conf = JSON.parse(nad.spec.config);
      conf.ipam = { type: 'host-local', subnet: '192.168.1.200/24' };
      nad.spec.config = JSON.stringify(conf);
      return docs;
    },
    expect: /invalid range set 0: Network has host bits set\. [^"\n]*/,
    rules: ['nad-ipam'],
    doctor: [],
  },
];
