export * from './paths';
export * from './mount-table';
export * from './cni-paths';
export * from './multus-thick';
export * from './rules/finding';
export * from './rules/multus-rules';
export * as nad from './imports/k8s.cni.cncf.io';
export * from './ipam';
