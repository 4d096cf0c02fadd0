// The README quick start (examples/k3s-multus.ts) in Java: the same chart, the same YAML.
package com.example;

import io.github.cdk8s_multus.AttachmentOptions;
import io.github.cdk8s_multus.FixedAddressOptions;
import io.github.cdk8s_multus.Ipam;
import io.github.cdk8s_multus.K3sCniPaths;
import io.github.cdk8s_multus.MacvlanNetwork;
import io.github.cdk8s_multus.MultusThick;
import java.util.List;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.plus27.ContainerProps;
import org.cdk8s.plus27.ContainerSecurityContextProps;
import org.cdk8s.plus27.Deployment;
import org.cdk8s.plus27.DeploymentStrategy;

public final class K3sMultus {
    public static void main(final String[] args) {
        App app = new App();
        Chart chart = new Chart(app, "k3s-multus");

        // The nodes: k3s with its embedded flannel, default --data-dir.
        K3sCniPaths paths = new K3sCniPaths(chart, "Paths");

        // The Multus thick daemon, with every path derived from that layout.
        MultusThick.Builder.create(chart, "Multus").paths(paths).build();

        // A macvlan network on the nodes' LAN NIC, with one fixed address (static IPAM).
        // macvlan and static are not bundled by k3s: MultusThick installs them because this network uses them.
        MacvlanNetwork lan = MacvlanNetwork.Builder.create(chart, "Lan")
                .master("eth0")
                .ipam(Ipam.fixedAddress("192.168.1.200/24", FixedAddressOptions.builder().gateway("192.168.1.1").build()))
                .build();

        // One pod with a second NIC on that network: a fixed address needs a workload with exactly one pod,
        // replaced by Recreate (a rolling update would start the new pod while the old one holds the address).
        // cdk8s-plus runs containers as non-root; busybox has no user of its own, so name one (nobody).
        Deployment client = Deployment.Builder.create(chart, "LanClient")
                .replicas(1)
                .strategy(DeploymentStrategy.recreate())
                .containers(List.of(ContainerProps.builder()
                        .image("busybox:1.36.1")
                        .command(List.of("sleep", "infinity"))
                        .securityContext(ContainerSecurityContextProps.builder().user(65534).group(65534).build())
                        .build()))
                .build();
        lan.attachTo(client, AttachmentOptions.builder().interfaceValue("lan0").build());

        app.synth();
    }
}
