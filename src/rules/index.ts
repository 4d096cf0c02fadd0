import { Rule } from './_define';
import { attachment, kubevirtNetworks } from './attachments';
import { binDirSamePath, daemonConfigMounted, daemonConfigValid, forceCniVersion, logFile, multusConfigFile, persistentMultusConfig, podPathMeaning, podPathMounted, socketDir, thickKubeconfig } from './daemon-config';
import { imagePinned } from './images';
import { kubeconfigWriter } from './kubeconfigs';
import { bridgeGateway, macvtapResource, nadConfig, pluginConfig, nadCrd, nadIpam, networkNameUnique, networkOverlap, pluginAvailable } from './networks';
import { daemonPod, dhcpDaemon, doctorRoot, installTarget, netnsVisible, oneFlavour } from './node-daemons';
import { duplicateKey, objectName, objectUnique } from './objects';
import { suppressionValid } from './suppressions';
import { thinCniConfDir, thinCniVersion, thinPaths } from './thin';
import { whereaboutsConfig, whereaboutsMounts } from './whereabouts';

/** Every rule, in the order findings are reported: a new rule is written in its subject's file and listed here. */
export const RULES: Rule[] = [
  daemonConfigMounted, podPathMounted, podPathMeaning, binDirSamePath, installTarget, socketDir, logFile,
  thickKubeconfig, forceCniVersion, daemonConfigValid, multusConfigFile, persistentMultusConfig, daemonPod, netnsVisible,
  imagePinned, nadCrd, nadConfig,
  pluginAvailable, pluginConfig, nadIpam, networkNameUnique, networkOverlap, bridgeGateway, macvtapResource, dhcpDaemon, thinPaths, thinCniVersion,
  thinCniConfDir, attachment, kubevirtNetworks, kubeconfigWriter, oneFlavour, whereaboutsMounts,
  whereaboutsConfig, objectName, objectUnique, doctorRoot, duplicateKey, suppressionValid,
];
