/**
 * One measurement, in a process of its own: builds and synthesizes an app with Multus and N macvlan
 * networks, each attached to a one-pod Deployment, and prints wall time and peak memory as JSON.
 *   library: MultusThick, MacvlanNetwork, attachTo, with synth validation
 *   floor:   the same objects written by hand: the same cdk8s-plus Deployments, NADs as plain
 *            ApiObjects with hand-written config and annotations, no validation
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipam, MacvlanNetwork, MultusThick } from 'cdk8s-multus';

const [mode, nText] = process.argv.slice(2);
const n = Number(nText);
const subnet = (i: number) => `10.${Math.floor(i / 256) % 256}.${i % 256}.0/24`;
const container = { image: 'busybox:1.36.1', command: ['sleep', 'infinity'] };

// The Multus objects for the floor, made before the clock starts. Both modes do this same work
// before the clock, so that neither times the first (unoptimized) run of code the other ran already.
const multusObjects = Testing.synth((() => {
  const c = Testing.chart();
  new MultusThick(c, 'Multus');
  return c;
})());

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const app = new App();
const chart = new Chart(app, 'bench');
if (mode === 'library') {
  new MultusThick(chart, 'Multus');
  for (let i = 0; i < n; i++) {
    const net = new MacvlanNetwork(chart, `Net${i}`, { name: `net-${i}`, master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: subnet(i) }] }) });
    net.attachTo(new kplus.Deployment(chart, `App${i}`, { replicas: 1, containers: [container] }));
  }
} else {
  multusObjects.forEach((o, i) => new ApiObject(chart, `Multus${i}`, o));
  for (let i = 0; i < n; i++) {
    new ApiObject(chart, `Net${i}`, {
      apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: `net-${i}`, namespace: 'default' },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: `net-${i}`, type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'host-local', ranges: [[{ subnet: subnet(i) }]] } }) },
    });
    new kplus.Deployment(chart, `App${i}`, {
      replicas: 1, containers: [container],
      podMetadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: `net-${i}`, namespace: 'default', interface: 'net1' }]) } },
    });
  }
}
const yaml = app.synthYaml();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
// CPU time of this process over the same span: what synthesis costs, whatever else the machine runs.
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(JSON.stringify({ mode, n, ms: Math.round(ms), cpuMs: Math.round(cpuMs), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), bytes: yaml.length }) + '\n');
