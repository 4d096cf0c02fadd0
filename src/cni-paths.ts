import { Construct } from 'constructs';
import { AppValidator } from './_validator';
import { ICniNodeLayout, K3sLayout, K3sLayoutProps, StandardLayout, StandardLayoutProps } from './layout';
import { PrimaryCni } from './layout/primary-cni';
import { HostPath } from './paths';

/**
 * A node layout as a construct of the app: it writes nothing, and every object of the app is judged
 * against its layout when the app is synthesized. `K3sCniPaths` and `StandardCniPaths` are such
 * constructs; `K3sLayout` and `StandardLayout` are the same layouts as plain values.
 */
export abstract class CniNodeLayoutConstruct extends Construct implements ICniNodeLayout {
  /** The layout, as a plain value. */
  public readonly layout: ICniNodeLayout;

  protected constructor(scope: Construct, id: string, layout: ICniNodeLayout) {
    super(scope, id);
    this.layout = layout;
    AppValidator.of(this).register(this);
  }

  public get layoutName(): string { return this.layout.layoutName; }
  public get confDir(): HostPath { return this.layout.confDir; }
  public get binDir(): HostPath { return this.layout.binDir; }
  public get binDirMountRoot(): HostPath { return this.layout.binDirMountRoot; }
  public get bundledPlugins(): string[] { return this.layout.bundledPlugins; }
  public get primaryNetworkConfigFile(): string | undefined { return this.layout.primaryNetworkConfigFile; }
  public get primaryNetworkName(): string | undefined { return this.layout.primaryNetworkName; }
  public get primaryNetworkCniVersion(): string | undefined { return this.layout.primaryNetworkCniVersion; }
  public get primaryNetworkCapabilities(): string[] | undefined { return this.layout.primaryNetworkCapabilities; }
  public get readinessIndicatorFile(): HostPath | undefined { return this.layout.readinessIndicatorFile; }
  public get primaryConfigManagedByDistribution(): boolean { return this.layout.primaryConfigManagedByDistribution; }
}

/**
 * Props for `K3sCniPaths`: those of `K3sLayout`.
 */
export interface K3sCniPathsProps extends K3sLayoutProps {}

/**
 * The CNI layout of a k3s node (see `K3sLayout`) as a construct of the app.
 */
export class K3sCniPaths extends CniNodeLayoutConstruct {
  /** k3s's data dir. */
  public readonly dataDir: HostPath;
  /** The node's primary network. */
  public readonly primaryCni: PrimaryCni;

  public constructor(scope: Construct, id: string, props: K3sCniPathsProps = {}) {
    super(scope, id, k3sLayout(props));
    this.dataDir = (this.layout as K3sLayout).dataDir;
    this.primaryCni = (this.layout as K3sLayout).primaryCni;
  }
}

/** The value of a K3sCniPaths, with its errors in the construct's name. */
function k3sLayout(props: K3sCniPathsProps): K3sLayout {
  try {
    return new K3sLayout(props);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^K3sLayout: /, 'K3sCniPaths: '));
  }
}

/**
 * Props for `StandardCniPaths`: those of `StandardLayout`.
 */
export interface StandardCniPathsProps extends StandardLayoutProps {}

/**
 * The standard layout (see `StandardLayout`) as a construct of the app.
 */
export class StandardCniPaths extends CniNodeLayoutConstruct {
  public constructor(scope: Construct, id: string, props: StandardCniPathsProps = {}) {
    super(scope, id, new StandardLayout(props));
  }
}
