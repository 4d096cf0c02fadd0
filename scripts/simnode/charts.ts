// Charts the simulated node brings up besides the README example, synthesized with the compiled
// library (lib/), as a user's `cdk8s synth` would.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('../../lib');

type Docs = Array<Record<string, any>>;

/** A chart on a default k3s layout, built by `build` and synthesized into its documents. */
function synth(id: string, build: (chart: Chart, paths: any) => void): Docs {
  const app = new App();
  const chart = new Chart(app, id);
  build(chart, new lib.K3sCniPaths(chart, 'Paths'));
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJSON()).filter((d) => d);
}

/** The one-pod Deployment that the networks are attached to, replaced by Recreate as the example's is. */
function client(scope: Construct): kplus.Deployment {
  return new kplus.Deployment(scope, 'LanClient', {
    replicas: 1,
    strategy: kplus.DeploymentStrategy.recreate(),
    containers: [{ image: 'busybox:1.36.1', command: ['sleep', 'infinity'], securityContext: { user: 65534, group: 65534 } }],
  });
}

/** The Whereabouts networks of the chart below: what each pod interface must get. */
export const WHEREABOUTS_NETWORKS = [
  { iface: 'lan0', first: '192.168.1.100/24', what: 'range_start and range_end, a gateway' },
  { iface: 'lan1', first: '192.168.2.16/24', what: 'an exclude (192.168.2.0/28) and a route' },
  { iface: 'lan2', first: 'fd00:10::10/120', what: 'an IPv6 range from range_start' },
];

/**
 * Multus thick and Whereabouts on k3s; three macvlan networks whose addresses Whereabouts hands
 * out (see WHEREABOUTS_NETWORKS), attached to one one-pod Deployment.
 */
export function whereaboutsChart(): Docs {
  return synth('k3s-whereabouts', (chart, paths) => {
    new lib.MultusThick(chart, 'Multus', { paths });
    const whereabouts = new lib.Whereabouts(chart, 'Whereabouts', { paths });
    const ipams = [
      whereabouts.ipam({ range: '192.168.1.0/24', rangeStart: '192.168.1.100', rangeEnd: '192.168.1.110', gateway: '192.168.1.1' }),
      whereabouts.ipam({ range: '192.168.2.0/24', exclude: ['192.168.2.0/28'], routes: [{ dst: '10.20.0.0/16', gw: '192.168.2.1' }] }),
      whereabouts.ipam({ range: 'fd00:10::/120', rangeStart: 'fd00:10::10' }),
    ];
    const pod = client(chart);
    ipams.forEach((ipam, i) => new lib.MacvlanNetwork(chart, `Lan${i}`, { master: 'eth0', ipam }).attachTo(pod, { interface: WHEREABOUTS_NETWORKS[i].iface }));
  });
}

/** The README example with the thin plugin in place of the thick one, and another fixed address. */
export function thinChart(): Docs {
  return synth('k3s-multus-thin', (chart, paths) => {
    new lib.MultusThin(chart, 'Multus', { paths });
    new lib.MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lib.Ipam.fixedAddress('192.168.1.201/24', { gateway: '192.168.1.1' }) })
      .attachTo(client(chart), { interface: 'lan0' });
  });
}

/** Multus thick, and MultusKubeconfigJob keeping the thin plugin's kubeconfig on every node. */
export function kubeconfigJobChart(): Docs {
  return synth('k3s-kubeconfig', (chart, paths) => {
    new lib.MultusThick(chart, 'Multus', { paths });
    new lib.MultusKubeconfigJob(chart, 'Kubeconfig', { paths });
  });
}

/** Multus thick, the DHCP daemon, and a macvlan network whose address comes from the LAN's DHCP server. */
export function dhcpChart(): Docs {
  return synth('k3s-dhcp', (chart, paths) => {
    new lib.MultusThick(chart, 'Multus', { paths });
    new lib.DhcpDaemon(chart, 'Dhcp', { paths });
    new lib.MacvlanNetwork(chart, 'Lan', { name: 'lan-dhcp', master: 'eth0', ipam: lib.Ipam.dhcp() }).attachTo(client(chart), { interface: 'lan0' });
  });
}

/** The README example with the attachment guard on, and a short guard timeout for the run. */
export function guardChart(): Docs {
  return synth('k3s-guard', (chart, paths) => {
    new lib.MultusThick(chart, 'Multus', { paths });
    new lib.MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lib.Ipam.fixedAddress('192.168.1.203/24', { gateway: '192.168.1.1' }) })
      .attachTo(client(chart), { interface: 'lan0', guard: true, guardTimeout: Duration.seconds(6) });
  });
}

/**
 * The README example with MultusConfigLifetime.PERSISTENT: the library writes 00-multus.conf,
 * which outlives the daemon. The options the daemon copies into that file are set, so that the
 * run compares them with the daemon's own generated copy. The attachment guard is on, as a user
 * who had it with the DAEMON lifetime would keep it.
 */
export function persistentChart(): Docs {
  return synth('k3s-persistent', (chart, paths) => {
    new lib.MultusThick(chart, 'Multus', {
      paths, configLifetime: lib.MultusConfigLifetime.PERSISTENT,
      logFile: '/var/log/multus/multus.log', namespaceIsolation: true, globalNamespaces: ['default', 'kube-system'],
    });
    new lib.MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: lib.Ipam.fixedAddress('192.168.1.204/24', { gateway: '192.168.1.1' }) })
      .attachTo(client(chart), { interface: 'lan0', guard: true, guardTimeout: Duration.seconds(6) });
  });
}
