import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { DoctorOutputFormat, Ipam, MacvlanNetwork, MultusDoctor, MultusThick } from '../src';
import { objectOf, synthErrors } from './_util';
import { healthyK3sNode, K3S_BIN } from './doctor/_node';
import { main } from '../src/lint/cli';

const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;

function doctorApp(props = {}) {
  const chart = Testing.chart();
  new MultusThick(chart, 'Multus');
  new MultusDoctor(chart, 'Doctor', props);
  // Defined after the doctor: its ConfigMap still carries it.
  new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
  return chart;
}

describe('MultusDoctor', () => {
  test('a one-shot Job running doctor with the host\'s / read-only at /host, and the app\'s NADs', () => {
    const objects = Testing.synth(doctorApp({ nodeName: 'node1' }));
    const job = objectOf(objects, 'Job', 'multus-doctor');
    const pod = job.spec.template.spec;
    expect(job.spec.backoffLimit).toBe(0);
    expect(pod.nodeName).toBe('node1');
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.image).toBe('node:24.22.3-alpine');
    expect(c.command).toEqual(['npx', '--yes', `cdk8s-multus@${VERSION}`, 'doctor', '--root', '/host', '--format', 'text', '--manifests', '/etc/multus-doctor/networks.yaml']);
    expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(c.volumeMounts[0]).toEqual({ mountPath: '/host', mountPropagation: 'HostToContainer', name: 'host-root', readOnly: true });
    expect(pod.volumes[0].hostPath.path).toBe('/');
    const cm = objectOf(objects, 'ConfigMap', 'multus-doctor-networks');
    expect(cm.data['networks.yaml']).toContain('kind: NetworkAttachmentDefinition');
    expect(cm.data['networks.yaml']).toContain('"type":"macvlan"');
  });

  test('the Job\'s command line is one the doctor command accepts, and judges a node with the app\'s NADs', () => {
    const objects = Testing.synth(doctorApp({ format: DoctorOutputFormat.JSON }));
    const argv: string[] = objectOf(objects, 'Job', 'multus-doctor').spec.template.spec.containers[0].command;
    const networks = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-cm-')), 'networks.yaml');
    fs.writeFileSync(networks, objectOf(objects, 'ConfigMap', 'multus-doctor-networks').data['networks.yaml']);
    const node = healthyK3sNode();
    // What npx runs, with the pod's paths replaced by this test's.
    const run = () => {
      const args = argv.slice(argv.indexOf('doctor')).map((a) => (a === '/host' ? node.root : a === '/etc/multus-doctor/networks.yaml' ? networks : a));
      let out = '';
      const code = main(args, { stdout: (t) => (out += t), stderr: () => undefined, stdin: () => Buffer.alloc(0) });
      return { code, report: JSON.parse(out) };
    };
    expect(run()).toMatchObject({ code: 0, report: { findings: [] } });
    node.remove(`${K3S_BIN}/macvlan`);
    const broken = run();
    expect(broken.code).toBe(1);
    expect(broken.report.findings.map((f: any) => f.id)).toEqual(['plugin-missing']);
    expect(broken.report.findings[0].message).toContain('NAD default/lan');
  });

  test('checkNetworks: false leaves out the ConfigMap and --manifests', () => {
    const objects = Testing.synth(doctorApp({ checkNetworks: false }));
    expect(objectOf(objects, 'Job').spec.template.spec.containers[0].command).not.toContain('--manifests');
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'multus-doctor-networks')).toEqual([]);
  });

  test('an app with only a MultusDoctor synthesizes, and is judged', () => {
    const chart = Testing.chart();
    new MultusDoctor(chart, 'Doctor', { packageSpec: 'cdk8s-multus@1.2.3', name: 'doc', namespace: 'ops' });
    expect(synthErrors(chart)).toEqual([]);
    const job = objectOf(Testing.synth(chart), 'Job', 'doc');
    expect(job.metadata.namespace).toBe('ops');
    expect(job.spec.template.spec.containers[0].command[2]).toBe('cdk8s-multus@1.2.3');
  });

  test('fails when the image has a moving tag or the package spec is not one', () => {
    expect(() => new MultusDoctor(Testing.chart(), 'D', { image: 'node:latest' })).toThrow(/MultusDoctor: image/);
    expect(() => new MultusDoctor(Testing.chart(), 'D', { packageSpec: 'cdk8s-multus; rm -rf /' })).toThrow(/MultusDoctor: packageSpec/);
  });
});
