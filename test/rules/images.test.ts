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
