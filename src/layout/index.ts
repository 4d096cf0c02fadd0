export * from './layout';
export * from './primary-cni';
export * from './k3s';
export * from './standard';
