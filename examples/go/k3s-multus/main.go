// The README quick start (examples/k3s-multus.ts) in Go: the same chart, the same YAML.
package main

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-multus/cdk8s-multus-go/cdk8smultus"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus27/v2"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("k3s-multus"), nil)

	// The nodes: k3s with its embedded flannel, default --data-dir.
	paths := cdk8smultus.NewK3sCniPaths(chart, jsii.String("Paths"), nil)

	// The Multus thick daemon, with every path derived from that layout.
	cdk8smultus.NewMultusThick(chart, jsii.String("Multus"), &cdk8smultus.MultusThickProps{Paths: paths})

	// A macvlan network on the nodes' LAN NIC, with one fixed address (static IPAM).
	// macvlan and static are not bundled by k3s: MultusThick installs them because this network uses them.
	lan := cdk8smultus.NewMacvlanNetwork(chart, jsii.String("Lan"), &cdk8smultus.MacvlanNetworkProps{
		Master: jsii.String("eth0"),
		Ipam: cdk8smultus.Ipam_FixedAddress(jsii.String("192.168.1.200/24"), &cdk8smultus.FixedAddressOptions{
			Gateway: jsii.String("192.168.1.1"),
		}),
	})

	// One pod with a second NIC on that network: a fixed address needs a workload with exactly one pod,
	// replaced by Recreate (a rolling update would start the new pod while the old one holds the address).
	// cdk8s-plus runs containers as non-root; busybox has no user of its own, so name one (nobody).
	client := cdk8splus27.NewDeployment(chart, jsii.String("LanClient"), &cdk8splus27.DeploymentProps{
		Replicas: jsii.Number(1),
		Strategy: cdk8splus27.DeploymentStrategy_Recreate(),
		Containers: &[]*cdk8splus27.ContainerProps{{
			Image:           jsii.String("busybox:1.36.1"),
			Command:         jsii.Strings("sleep", "infinity"),
			SecurityContext: &cdk8splus27.ContainerSecurityContextProps{User: jsii.Number(65534), Group: jsii.Number(65534)},
		}},
	})
	lan.AttachTo(client, &cdk8smultus.AttachmentOptions{Interface: jsii.String("lan0")})

	app.Synth()
}
