// Each rule of src/rules/images.ts, shown firing on the mistake it exists for.
import { JsonPatch } from 'cdk8s';
import { synthErrors, thickChart } from '../_util';
import { daemonPatch, ids } from './_util';

test('image-pinned: a moving tag slipped in through an escape hatch', () => {
  const { chart } = thickChart();
  daemonPatch(chart, JsonPatch.replace('/spec/template/spec/containers/0/image', 'ghcr.io/k8snetworkplumbingwg/multus-cni:snapshot-thick'));
  const errors = synthErrors(chart);
  expect(ids(errors)).toEqual(['image-pinned']);
  expect(errors[0]).toContain('tag "snapshot-thick" moves');
});

test('image-pinned: a reference the container runtime refuses, written through an escape hatch', () => {
  for (const [image, reason] of [
    ['ghcr.io/k8snetworkplumbingwg/multus-cni:', 'tag "" is not a tag'],
    ['ghcr.io/K8sNetworkPlumbingWG/multus-cni:v4.3.0-thick', 'has upper case'],
    [`ghcr.io/k8snetworkplumbingwg/multus-cni@sha256:${'ab'.repeat(31)}`, 'must have exactly 64 lower-case hex digits'],
  ]) {
    const { chart } = thickChart();
    daemonPatch(chart, JsonPatch.replace('/spec/template/spec/containers/0/image', image));
    const errors = synthErrors(chart);
    expect(ids(errors)).toEqual(['image-pinned']);
    expect(errors[0]).toContain('is not an image reference the container runtime accepts: ');
    expect(errors[0]).toContain(reason);
  }
});
