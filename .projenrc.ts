import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-multus',
  packageName: 'cdk8s-multus',
  description:
    'cdk8s constructs that deploy Multus CNI on k3s with every path checked at synth: ' +
    'the thick plugin, macvlan networks and host-side kubeconfigs.',
  author: 'cdk8s-multus contributors',
  authorAddress: 'https://github.com/cdk8s-multus/cdk8s-multus',
  authorOrganization: true,
  repositoryUrl: 'https://github.com/cdk8s-multus/cdk8s-multus.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'multus', 'k3s', 'cni', 'macvlan', 'kubernetes', 'kubevirt', 'network-attachment-definition'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // Versions that are known to work together; the peer ranges start at them.
  cdk8sVersion: '2.70.106',
  cdk8sVersionPinning: false,
  constructsVersion: '10.5.1',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  bundledDeps: ['ip-address@^10.7.6'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    'kubernetes-models@4.5.1',
    'tsconfig-paths@^4.2.0',
  ],

  jestOptions: {
    jestVersion: '^30',
    // A snapshot that rewrites itself cannot fail: mismatches fail, new ones are written locally.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Examples and README snippets import the package by its published name.
      moduleNameMapper: { '^cdk8s-multus$': '<rootDir>/src' },
    },
  },

  docgen: true,
  // The project is checked by .ci/run; no hosted workflows or release automation.
  github: false,
  release: false,
  sampleCode: false,
  gitignore: ['.cache/'],
  npmignoreEnabled: true,
});

// The NetworkAttachmentDefinition CRD schema lives in imports/; its typed class is generated
// into src/imports/ and compiled with the library, so that the library never spells the CRD
// by hand.
project.addTask('import', {
  description: 'Regenerate the typed classes in src/imports/ from the CRD schemas in imports/',
  steps: [
    {
      exec:
        'cdk8s import imports/k8s.cni.cncf.io_network-attachment-definitions.yaml ' +
        '--language typescript --output src/imports',
    },
  ],
});

project.npmignore?.exclude('/examples/');

// The example k3s chart from the README, synthesized into dist/example/.
project.addTask('synth:example', {
  description: 'Synthesize the example k3s chart (examples/k3s-multus.ts) into dist/example/',
  env: { TS_NODE_PROJECT: 'examples/tsconfig.json', CDK8S_OUTDIR: 'dist/example' },
  exec: 'ts-node -r tsconfig-paths/register examples/k3s-multus.ts',
});

project.synth();
