import { Construct } from 'constructs';
import { AppValidator } from './_validator';
import { ICniNodeLayout, K3sLayout, K3sLayoutProps, StandardLayout, StandardLayoutProps } from './layout';
import { PrimaryCni } from './layout/primary-cni';
import { HostPath } from './paths';

/**
 * Props for `K3sCniPaths`: those of `K3sLayout`.
 */
export interface K3sCniPathsProps extends K3sLayoutProps {}

/**
 * The CNI layout of a k3s node (see `K3sLayout`, the same as a plain value), as a construct in the
 * app: every object of the app is judged against it when the app is synthesized. It writes nothing.
 */
export class K3sCniPaths extends Construct implements ICniNodeLayout {
  public readonly layoutName: string;
  /** k3s's data dir. */
  public readonly dataDir: HostPath;
  public readonly confDir: HostPath;
  public readonly binDir: HostPath;
  public readonly binDirMountRoot: HostPath;
  public readonly bundledPlugins: string[];
  public readonly primaryNetworkConfigFile?: string;
  public readonly primaryNetworkName?: string;
  public readonly primaryNetworkCniVersion?: string;
  public readonly readinessIndicatorFile?: HostPath;
  public readonly primaryConfigManagedByDistribution: boolean;
  /** The node's primary network. */
  public readonly primaryCni: PrimaryCni;

  public constructor(scope: Construct, id: string, props: K3sCniPathsProps = {}) {
    super(scope, id);
    let layout: K3sLayout;
    try {
      layout = new K3sLayout(props);
    } catch (e) {
      throw new Error((e as Error).message.replace(/^K3sLayout: /, 'K3sCniPaths: '));
    }
    this.layoutName = layout.layoutName;
    this.dataDir = layout.dataDir;
    this.confDir = layout.confDir;
    this.binDir = layout.binDir;
    this.binDirMountRoot = layout.binDirMountRoot;
    this.bundledPlugins = layout.bundledPlugins;
    this.primaryNetworkConfigFile = layout.primaryNetworkConfigFile;
    this.primaryNetworkName = layout.primaryNetworkName;
    this.primaryNetworkCniVersion = layout.primaryNetworkCniVersion;
    this.readinessIndicatorFile = layout.readinessIndicatorFile;
    this.primaryConfigManagedByDistribution = layout.primaryConfigManagedByDistribution;
    this.primaryCni = layout.primaryCni;
    AppValidator.of(this).register(this);
  }
}

/**
 * Props for `StandardCniPaths`: those of `StandardLayout`.
 */
export interface StandardCniPathsProps extends StandardLayoutProps {}

/**
 * The standard layout (see `StandardLayout`, the same as a plain value), as a construct in the
 * app: every object of the app is judged against it when the app is synthesized. It writes nothing.
 */
export class StandardCniPaths extends Construct implements ICniNodeLayout {
  public readonly layoutName: string;
  public readonly confDir: HostPath;
  public readonly binDir: HostPath;
  public readonly binDirMountRoot: HostPath;
  public readonly bundledPlugins: string[];
  public readonly primaryNetworkConfigFile?: string;
  public readonly primaryNetworkName?: string;
  public readonly primaryNetworkCniVersion?: string;
  public readonly readinessIndicatorFile?: HostPath;
  public readonly primaryConfigManagedByDistribution: boolean;

  public constructor(scope: Construct, id: string, props: StandardCniPathsProps = {}) {
    super(scope, id);
    const layout = new StandardLayout(props);
    this.layoutName = layout.layoutName;
    this.confDir = layout.confDir;
    this.binDir = layout.binDir;
    this.binDirMountRoot = layout.binDirMountRoot;
    this.bundledPlugins = layout.bundledPlugins;
    this.primaryNetworkConfigFile = layout.primaryNetworkConfigFile;
    this.primaryNetworkName = layout.primaryNetworkName;
    this.primaryNetworkCniVersion = layout.primaryNetworkCniVersion;
    this.readinessIndicatorFile = layout.readinessIndicatorFile;
    this.primaryConfigManagedByDistribution = layout.primaryConfigManagedByDistribution;
    AppValidator.of(this).register(this);
  }
}
