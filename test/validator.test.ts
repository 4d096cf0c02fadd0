import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipam, MacvlanNetwork, MultusThick } from '../src';
import { MultusRules } from '../src/rules/multus-rules';

// The synth-time validation serializes every object once per synthesis and hands that JSON to the
// output. cdk8s validates the whole app once per synthYaml/synth and again for every chart, so
// these tests pin what one synthesis may share between those validations, and what it may not
// carry over into the next one.

/** An app of three charts: Multus in one, a network in another, a workload in the third. */
function threeCharts() {
  const app = Testing.app();
  const infra = new Chart(app, 'infra');
  const nets = new Chart(app, 'nets');
  const apps = new Chart(app, 'apps');
  new MultusThick(infra, 'multus');
  const lan = new MacvlanNetwork(nets, 'lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
  const web = new kplus.Deployment(apps, 'web', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers: [{ image: 'busybox:1.36.1' }] });
  lan.attachTo(web);
  return { app, infra, nets, apps, lan, web };
}

afterEach(() => jest.restoreAllMocks());

describe('one synthesis', () => {
  test('judges the app once, however many charts cdk8s validates it for', () => {
    const { app } = threeCharts();
    const check = jest.spyOn(MultusRules, 'check');
    app.synthYaml();
    // cdk8s validated the app four times here: once for synthYaml and once per chart.
    expect(check).toHaveBeenCalledTimes(1);
    app.synthYaml();
    expect(check).toHaveBeenCalledTimes(2);
  });

  test('prints each warning once', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'one');
    const other = new Chart(app, 'two');
    new MultusThick(chart, 'multus');
    new ApiObject(other, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const writes: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((text: any) => {
      writes.push(String(text));
      return true;
    });
    jest.spyOn(MultusRules, 'check').mockReturnValue([{
      ruleId: 'some-rule', severity: 'warning' as any, kind: 'ConfigMap', name: 'x', field: 'data', found: 'a', expected: 'b', message: 'm', fix: 'f',
    }]);
    app.synthYaml();
    expect(writes.filter((w) => w.includes('some-rule'))).toHaveLength(1);
  });

  test('writes the JSON it judged', () => {
    const { app, apps } = threeCharts();
    const check = jest.spyOn(MultusRules, 'check');
    const out = Testing.synth(apps);
    const judged = check.mock.calls[0][0].map((o) => o.manifest);
    const deployment = out.find((o) => o.kind === 'Deployment');
    expect(judged).toContain(deployment);
    expect(app.synthYaml()).toContain('k8s.v1.cni.cncf.io/networks');
  });
});

describe('a chart written on its own', () => {
  test('is judged even when it holds none of the library\'s constructs, each time it is written', () => {
    const app = Testing.app();
    new MultusThick(new Chart(app, 'infra'), 'multus');
    const plain = new Chart(app, 'plain');
    new ApiObject(plain, 'nad', {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'lan' },
      spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', master: 'eth0', ipam: { type: 'static', addresses: [{ address: '192.168.1.0/24' }] } }) },
    });
    expect(() => Testing.synth(plain)).toThrow(/nad-ipam/);
    expect(() => Testing.synth(plain)).toThrow(/nad-ipam/);
  });
});

describe('the next synthesis', () => {
  test('sees a change made after an app of several charts was synthesized', () => {
    const { app, infra, nets, apps } = threeCharts();
    app.synthYaml();
    for (const chart of [infra, nets, apps]) {
      for (const o of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) o.metadata.addLabel('changed', 'yes');
    }
    const docs = Testing.synth(infra).concat(Testing.synth(nets), Testing.synth(apps));
    expect(docs.filter((d) => d.metadata?.labels?.changed !== 'yes').map((d) => `${d.kind}/${d.metadata?.name}`)).toEqual([]);
  });

  test('sees a change made after one chart of several was synthesized', () => {
    const { nets, apps, web } = threeCharts();
    Testing.synth(nets);
    ApiObject.of(web).metadata.addLabel('changed', 'yes');
    expect(ApiObject.of(web).toJson().metadata.labels).toMatchObject({ changed: 'yes' });
    expect(Testing.synth(apps).find((o) => o.kind === 'Deployment').metadata.labels).toMatchObject({ changed: 'yes' });
  });

  test('judges again after a failed synthesis, and writes the corrected objects', () => {
    const { app, lan } = threeCharts();
    const nad = ApiObject.of(lan);
    const good: string = nad.toJson().spec.config;
    nad.addJsonPatch(JsonPatch.replace('/spec/config', good.replace('"192.168.1.200/24"', '"192.168.1.0/24"')));
    expect(() => app.synthYaml()).toThrow(/nad-ipam/);
    nad.addJsonPatch(JsonPatch.replace('/spec/config', good));
    const yaml = app.synthYaml();
    expect(yaml).toContain('192.168.1.200/24');
  });
});

describe('an app with networks and no layout (Multus deployed elsewhere)', () => {
  test('the rules that need no layout judge it: a patched host-bits subnet and two networks with one name fail the synth', () => {
    const chart = Testing.chart();
    const a = new MacvlanNetwork(chart, 'A', { name: 'lan', master: 'eth0' });
    new MacvlanNetwork(chart, 'B', { name: 'lan', master: 'eth1' });
    a.addJsonPatch(JsonPatch.replace('/spec/config', JSON.stringify({ cniVersion: '1.0.0', name: 'lan', type: 'macvlan', ipam: { type: 'host-local', ranges: [[{ subnet: '192.168.1.200/24' }]] } })));
    expect(() => Testing.synth(chart)).toThrow(/nad-ipam \(error\) NetworkAttachmentDefinition default\/lan spec\.config\.ipam: ranges\[0\]\[0\]\.subnet: 192\.168\.1\.200\/24 has host bits set/);
    expect(() => Testing.synth(chart)).toThrow(/network-name-unique \(error\) NetworkAttachmentDefinition default\/lan/);
  });

  test('objects written twice across charts are found without a layout', () => {
    const app = Testing.app();
    for (const id of ['one', 'two']) {
      new kplus.ConfigMap(new Chart(app, id), 'Settings', { metadata: { name: 'settings', namespace: 'apps' }, data: { chart: id } });
      new MacvlanNetwork(new Chart(app, `${id}-net`), 'Lan', { name: `lan-${id}`, master: 'eth0', ipam: Ipam.hostLocal({ ranges: [{ subnet: id === 'one' ? '10.1.0.0/24' : '10.2.0.0/24' }] }) });
    }
    expect(() => app.synthYaml()).toThrow(/object-unique \(error\) ConfigMap apps\/settings metadata.name: ConfigMap apps\/settings is written twice \(also at one\/Settings\/Resource\), with different contents/);
  });

  test('the rules that need the node layout stay silent: a macvlan network passes (its plugin is installed where Multus is)', () => {
    const chart = Testing.chart();
    new MacvlanNetwork(chart, 'Lan', { master: 'eth0', ipam: Ipam.fixedAddress('192.168.1.200/24') });
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(MultusRules.all.filter((r) => r.layoutIndependent).map((r) => r.id).sort())
      .toEqual([
        'attachment', 'bridge-gateway', 'doctor-root', 'duplicate-key', 'image-pinned', 'kubevirt-networks', 'macvtap-resource', 'nad-config', 'nad-crd',
        'nad-ipam', 'network-name-unique', 'network-overlap', 'object-name', 'object-unique', 'plugin-config', 'suppression-valid',
      ]);
  });
});
