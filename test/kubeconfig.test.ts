import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MultusKubeconfigJob } from '../src';

import { schemaErrors } from './_schema';
import { objectOf } from './_util';

const ROOT = path.join(__dirname, '..');

function synth() {
  const chart = Testing.chart();
  const job = new MultusKubeconfigJob(chart, 'Kubeconfig');
  return { job, objects: Testing.synth(chart) };
}

describe('MultusKubeconfigJob', () => {
  test('a dedicated ServiceAccount with only the thin plugin\'s permissions, and a writer on every node', () => {
    const { job, objects } = synth();
    expect(job.hostPath.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig');
    const role = objectOf(objects, 'ClusterRole');
    expect(role.rules.map((r: any) => `${r.apiGroups[0] || 'core'}/${r.resources[0]}: ${r.verbs.join(',')}`)).toEqual([
      'core/pods: get', 'core/pods/status: update', 'k8s.cni.cncf.io/network-attachment-definitions: get', 'core/events: create,patch',
    ]);
    const spec = objectOf(objects, 'DaemonSet').spec.template.spec;
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.serviceAccountName).toBe('multus-kubeconfig');
    expect(spec.containers[0].env).toContainEqual({ name: 'KUBECONFIG_FILE', value: '/host/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d/multus.kubeconfig' });
    expect(spec.volumes).toContainEqual({ name: 'kubeconfig-dir', hostPath: { path: '/var/lib/rancher/k3s/agent/etc/cni/net.d/multus.d', type: 'DirectoryOrCreate' } });
    expect(spec.containers[0].securityContext).toMatchObject({ privileged: false, readOnlyRootFilesystem: true });
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('a long-lived token Secret only when asked, read from its own mount', () => {
    expect(synth().objects.map((o) => o.kind)).not.toContain('Secret');
    const chart = Testing.chart();
    new MultusKubeconfigJob(chart, 'Kubeconfig', { longLivedToken: true });
    const objects = Testing.synth(chart);
    const secret = objectOf(objects, 'Secret');
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata.annotations['kubernetes.io/service-account.name']).toBe('multus-kubeconfig');
    const c = objectOf(objects, 'DaemonSet').spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'SA_DIR', value: '/var/run/secrets/multus-kubeconfig-token' });
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/var/run/secrets/multus-kubeconfig-token');
    for (const o of objects) expect([o.kind, schemaErrors(o)]).toEqual([o.kind, []]);
  });

  test('fails on wildcard permissions and a file directly in /', () => {
    expect(() => new MultusKubeconfigJob(Testing.chart(), 'k', { permissions: [{ apiGroup: '', resource: '*', verbs: ['get'] }] })).toThrow(/not "\*"/);
    expect(() => new MultusKubeconfigJob(Testing.chart(), 'k', { hostPath: '/kubeconfig' })).toThrow(/directly in "\/"/);
  });
});

describe('the writer\'s command, run for real', () => {
  let dir: string;
  let sa: string;
  let env: NodeJS.ProcessEnv;
  const script = () => objectOf(synth().objects, 'DaemonSet').spec.template.spec.containers[0].command[2];
  const kubectlView = (file: string) => JSON.parse(execFileSync('kubectl', ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', file], { encoding: 'utf8' }));

  beforeAll(() => {
    execFileSync(path.join(ROOT, 'scripts', 'conformance-deps.sh'), { stdio: 'pipe' });
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    sa = path.join(dir, 'sa');
    fs.mkdirSync(sa);
    fs.writeFileSync(path.join(sa, 'token'), 'token-one');
    fs.writeFileSync(path.join(sa, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nfixture\n-----END CERTIFICATE-----\n');
    env = {
      PATH: process.env.PATH,
      SA_DIR: sa,
      KUBECONFIG_FILE: path.join(dir, 'host', 'multus.d', 'multus.kubeconfig'),
      KUBERNETES_SERVICE_HOST: '10.43.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      WRITER_NAME: 'multus-kubeconfig',
      INTERVAL_SECONDS: '1',
    };
  });

  test('writes a kubeconfig that kubectl reads: the service address, the CA, the token, nothing else; mode 0600; dir created', () => {
    const r = spawnSync('sh', ['-c', script()], { env: { ...env, ONCE: '1' }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = env.KUBECONFIG_FILE!;
    expect((fs.statSync(file).mode % 0o1000).toString(8)).toBe('600');
    const view = kubectlView(file);
    expect(view.clusters).toEqual([{ name: 'local', cluster: { 'server': 'https://10.43.0.1:443', 'certificate-authority-data': Buffer.from(fs.readFileSync(path.join(sa, 'ca.crt'))).toString('base64') } }]);
    expect(view.users).toEqual([{ name: 'multus-kubeconfig', user: { token: 'token-one' } }]);
    expect(view['current-context']).toBe('multus-kubeconfig');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['multus.kubeconfig']);
  });

  test('brackets an IPv6 service address', () => {
    spawnSync('sh', ['-c', script()], { env: { ...env, ONCE: '1', KUBERNETES_SERVICE_HOST: 'fd00:43::1' } });
    expect(kubectlView(env.KUBECONFIG_FILE!).clusters[0].cluster.server).toBe('https://[fd00:43::1]:443');
  });

  test('picks up a rotated token', async () => {
    const writer = spawn('sh', ['-c', script()], { env, stdio: 'ignore' });
    try {
      const file = env.KUBECONFIG_FILE!;
      for (let i = 0; i < 50 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
      expect(kubectlView(file).users[0].user.token).toBe('token-one');
      fs.writeFileSync(path.join(sa, 'token'), 'token-two');
      for (let i = 0; i < 50 && kubectlView(file).users[0].user.token !== 'token-two'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(kubectlView(file).users[0].user.token).toBe('token-two');
    } finally {
      writer.kill();
    }
  });
});
