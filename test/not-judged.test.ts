// The third outcome: what the rules cannot judge from partial input (a DaemonSet without its
// ConfigMap, a daemon config without its DaemonSet, networks without anything that installs
// plugins or writes their files) is listed as "not judged", never failing the run; the same
// objects judged as a whole deployment (synth) are still reported.
import * as fs from 'fs';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { Ipam, K3sLayout, MacvlanNetwork, MultusRules, MultusThick, Whereabouts } from '../src';
import { json, libraryObjects, lint, tempFile } from './_util';

const CORPUS = path.join(__dirname, 'corpus');
const DAEMON_CONFIG_RULES = ['bin-dir-same-path', 'daemon-config-mounted', 'log-file', 'pod-path-meaning', 'pod-path-mounted', 'socket-dir'];
const notes = (report: any) => report.notJudged.map((n: any) => `${n.ruleId} ${n.kind} ${n.field}`);

describe('a DaemonSet whose daemon config is in a ConfigMap that is not in the input', () => {
  const objects = libraryObjects().filter((o) => !(o.kind === 'ConfigMap' && o.data?.['daemon-config.json']));

  test('lint: every rule that reads the config says it could not judge it, and the run passes', () => {
    const { code, report } = json([tempFile('ds.yaml', Yaml.stringify(...objects))]);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    const ids = [...new Set<string>(report.notJudged.map((n: any) => n.ruleId))].sort();
    expect(ids).toEqual([...DAEMON_CONFIG_RULES, 'daemon-config-valid', 'force-cni-version', 'multus-config-file', 'thick-kubeconfig'].sort());
    for (const n of report.notJudged) {
      expect(n).toMatchObject({ kind: 'DaemonSet', name: 'kube-multus-ds', field: 'spec.template.spec.volumes (multus-daemon-config)' });
      expect(n.missing).toContain('from ConfigMap "multus-daemon-config", which is not in the input');
    }
  });

  test('the same objects as a whole deployment (synth): the missing ConfigMap is an error', () => {
    const findings = MultusRules.check(objects.map((manifest) => ({ manifest })), new K3sLayout());
    expect(findings.map((f) => f.ruleId)).toEqual(['daemon-config-mounted']);
    expect(findings[0].message).toBe('the daemon config is mounted from a ConfigMap that is not among the objects');
  });
});

describe('a daemon config without its DaemonSet', () => {
  const configMap = () => libraryObjects().find((o) => o.kind === 'ConfigMap' && o.data?.['daemon-config.json']);

  test('what the config says alone is judged; what needs the daemon\'s mounts is not judged', () => {
    const cm = configMap();
    const config = JSON.parse(cm.data['daemon-config.json']);
    expect(json([tempFile('cm.yaml', Yaml.stringify(cm))]).report).toMatchObject({ findings: [], summary: { notJudged: DAEMON_CONFIG_RULES.length } });
    delete config.cniVersion;
    config.kubeconfig = '/etc/cni/net.d/multus.d/multus.kubeconfig';
    config.multusConfigFile = '/tmp/00-multus.conf';
    cm.data['daemon-config.json'] = JSON.stringify(config);
    const { code, report } = json([tempFile('cm.yaml', Yaml.stringify(cm))]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => f.ruleId).sort()).toEqual(['multus-config-file', 'thick-kubeconfig']);
    expect(notes(report).sort()).toEqual(DAEMON_CONFIG_RULES.map((id) => `${id} ConfigMap data["daemon-config.json"]`));
    expect(report.notJudged[0].missing).toContain('no Multus daemon in the input mounts this ConfigMap');
  });

  test('a lone daemon config that is not JSON is reported', () => {
    const cm = configMap();
    cm.data['daemon-config.json'] = '{"cniVersion": "1.0.0",';
    expect(json([tempFile('cm.yaml', Yaml.stringify(cm))]).report.findings.map((f: any) => [f.ruleId, f.message.slice(0, 44)]))
      .toEqual([['daemon-config-mounted', 'the daemon configuration is not valid JSON (']]);
  });

  test('corpus: the ConfigMap of multus-cni issue 1071 (thick daemon that does not start) alone', () => {
    const { code, report } = json([path.join(CORPUS, 'issue-multus-1071-k3s-thick-daemon-config.yaml')]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(['thick-kubeconfig']);
    expect(report.notJudged).toHaveLength(DAEMON_CONFIG_RULES.length);
  });
});

describe('networks without anything that installs their plugins or writes their files', () => {
  const whereaboutsNad = path.join(CORPUS, 'issue-k3s-10869-whereabouts-macvlan-nad-and-deployment.yaml');

  test('plugins, kubeconfig and whereabouts.conf are not judged; with the installer in the input they are', () => {
    const alone = json([whereaboutsNad]);
    expect(alone.code).toBe(0);
    expect(notes(alone.report)).toEqual([
      'plugin-available NetworkAttachmentDefinition spec.config',
      'plugin-available NetworkAttachmentDefinition spec.config',
      'kubeconfig-writer NetworkAttachmentDefinition spec.config.ipam.kubernetes.kubeconfig',
      'whereabouts-config NetworkAttachmentDefinition spec.config.ipam.configuration_path',
    ]);
    // With Multus and Whereabouts in the input, the NAD's paths are judged: k3s's paths, as the
    // Whereabouts construct writes them, pass.
    const chart = Testing.chart();
    new MultusThick(chart, 'Multus');
    new Whereabouts(chart, 'Whereabouts');
    const deployment = tempFile('deploy.yaml', Yaml.stringify(...Testing.synth(chart)));
    const both = json([whereaboutsNad, deployment, '--node-plugins', 'macvlan']);
    expect(both.report.notJudged).toEqual([]);
    expect(both.report.findings).toEqual([]);
    // A NAD whose whereabouts.conf path is not the one the installer in the input writes.
    const moved = tempFile('nad.yaml', fs.readFileSync(whereaboutsNad, 'utf8').replace(/whereabouts\.d\/whereabouts\.conf/, 'whereabouts.conf'));
    expect(json([moved, deployment, '--node-plugins', 'macvlan']).report.findings.map((f: any) => f.ruleId)).toEqual(['whereabouts-config']);
  });

  test('a kubeconfig or whereabouts.conf under the /host pod prefix is wrong whatever is missing', () => {
    const nad = {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'wb' },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'whereabouts', range: '10.0.0.0/24', configuration_path: '/etc/cni/net.d/whereabouts.d/whereabouts.conf', kubernetes: { kubeconfig: '/host/etc/cni/net.d/whereabouts.d/whereabouts.kubeconfig' } } }) },
    };
    expect(json([tempFile('nad.yaml', Yaml.stringify(nad))]).report.findings.map((f: any) => f.ruleId)).toEqual(['kubeconfig-writer']);
    // So is a whereabouts.conf under it (nad-ipam reports it; whereabouts-config does not judge it without an installer).
    const conf = JSON.parse(nad.spec.config);
    conf.ipam.configuration_path = '/host/etc/cni/net.d/whereabouts.d/whereabouts.conf';
    const moved = { ...nad, spec: { config: JSON.stringify(conf) } };
    expect(json([tempFile('nad.yaml', Yaml.stringify(moved))]).report.findings.map((f: any) => f.ruleId)).toEqual(['nad-ipam', 'kubeconfig-writer']);
  });

  test('at synth an app with a layout is the whole deployment: a plugin nothing installs is an error', () => {
    const chart = Testing.chart();
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
    const objects = Testing.synth(chart).map((manifest) => ({ manifest }));
    expect(MultusRules.check(objects, new K3sLayout()).map((f) => f.found)).toEqual(['macvlan', 'static']);
    expect(MultusRules.judge(objects, new K3sLayout(), { partialInput: true }).notJudged.map((n) => n.ruleId)).toEqual(['plugin-available', 'plugin-available']);
    expect(MultusRules.judge(objects, new K3sLayout({ extraAvailablePlugins: ['macvlan'] }), { partialInput: true, nodePluginsDeclared: true }).findings.map((f) => f.found)).toEqual(['static']);
  });
});

describe('Multus deployed at run time by a controller, from objects in the input', () => {
  test('a HelmChart of a Multus chart, a HelmChartConfig for it and a NetworkAddonsConfig asking for Multus: bin-dir-same-path not judged', () => {
    const files = ['issue-k3s-10928-multus-whereabouts-repro-helmchart.yaml', 'issue-rke2-8577-multus-helmchartconfig-namespace-isolation.yaml', 'cnao-k3s-networkaddonsconfig-v0-99-broken.yaml'];
    for (const file of files) {
      const { code, report } = json([path.join(CORPUS, file)]);
      expect(code).toBe(0);
      expect(report.notJudged).toHaveLength(1);
      expect(report.notJudged[0].ruleId).toBe('bin-dir-same-path');
      expect(report.notJudged[0].missing).toMatch(/^Multus is deployed at run time by the (Helm controller of k3s\/RKE2, from chart "rke2-multus"|cluster-network-addons operator)/);
      expect(report.notJudged[0].missing).toContain('render it (helm template with these values) and lint the output');
    }
    expect(json([path.join(CORPUS, files[0])]).report.notJudged[0]).toMatchObject({ kind: 'HelmChart', field: 'spec.valuesContent', line: 14, column: 3 });
  });

  test('silent on a HelmChart of another chart, and on a NetworkAddonsConfig without multus', () => {
    const other = tempFile('charts.yaml', Yaml.stringify(
      { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name: 'traefik', namespace: 'kube-system' }, spec: { chart: 'traefik', valuesContent: 'ports: {}' } },
      { apiVersion: 'networkaddonsoperator.network.kubevirt.io/v1', kind: 'NetworkAddonsConfig', metadata: { name: 'cluster' }, spec: { ovs: {} } },
    ));
    expect(json([other]).report).toMatchObject({ findings: [], notJudged: [] });
  });
});

describe('output', () => {
  const nad = () => tempFile('nad.yaml', Yaml.stringify({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'lan', namespace: 'apps' },
    spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'host-local', subnet: '192.168.1.0/24' } }) },
  }));

  test('text: a "not judged:" section before the summary, which counts it', () => {
    const file = nad();
    const { code, out } = lint([file]);
    expect(code).toBe(0);
    // At the line of spec.config (the document starts at line 1).
    expect(out).toBe(`not judged:\n  ${file}:7:3: plugin-available: NetworkAttachmentDefinition apps/lan spec.config\n` +
      '    plugin "macvlan" is not bundled by k3s, and nothing in the input installs plugins or deploys Multus: whether the nodes carry it in /var/lib/rancher/k3s/data/cni is not known; lint with the installer, or declare the nodes\' plugins (lint --node-plugins)\n' +
      '0 errors, 0 warnings, 1 not judged in 1 object (layout k3s: /var/lib/rancher/k3s/agent/etc/cni/net.d, /var/lib/rancher/k3s/data/cni)\n');
  });

  test('sarif: a tool notification of level note, not a result', () => {
    const file = nad();
    const run = JSON.parse(lint([file, '--format', 'sarif']).out).runs[0];
    expect(run.results).toEqual([]);
    expect(run.invocations).toEqual([{
      executionSuccessful: true,
      toolExecutionNotifications: [expect.objectContaining({
        level: 'note',
        associatedRule: { id: 'plugin-available', index: run.tool.driver.rules.findIndex((r: any) => r.id === 'plugin-available') },
        locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 7, startColumn: 3 } } }],
      })],
    }]);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^not judged: NetworkAttachmentDefinition apps\/lan spec.config: plugin "macvlan"/);
  });

  test('--fail-on warning does not fail on what was not judged', () => {
    expect(lint([nad(), '--fail-on', 'warning']).code).toBe(0);
  });
});
