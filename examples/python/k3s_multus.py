# The README quick start (examples/k3s-multus.ts) in Python: the same chart, the same YAML.
from cdk8s import App, Chart
import cdk8s_plus_27 as kplus
from cdk8s_multus import Ipam, K3sCniPaths, MacvlanNetwork, MultusThick

app = App()
chart = Chart(app, "k3s-multus")

# The nodes: k3s with its embedded flannel, default --data-dir.
paths = K3sCniPaths(chart, "Paths")

# The Multus thick daemon, with every path derived from that layout.
MultusThick(chart, "Multus", paths=paths)

# A macvlan network on the nodes' LAN NIC, with one fixed address (static IPAM).
# macvlan and static are not bundled by k3s: MultusThick installs them because this network uses them.
lan = MacvlanNetwork(
    chart,
    "Lan",
    master="eth0",
    ipam=Ipam.fixed_address("192.168.1.200/24", gateway="192.168.1.1"),
)

# One pod with a second NIC on that network: a fixed address needs a workload with exactly one pod,
# replaced by Recreate (a rolling update would start the new pod while the old one holds the address).
# cdk8s-plus runs containers as non-root; busybox has no user of its own, so name one (nobody).
client = kplus.Deployment(
    chart,
    "LanClient",
    replicas=1,
    strategy=kplus.DeploymentStrategy.recreate(),
    containers=[
        kplus.ContainerProps(
            image="busybox:1.36.1",
            command=["sleep", "infinity"],
            security_context=kplus.ContainerSecurityContextProps(user=65534, group=65534),
        )
    ],
)
lan.attach_to(client, interface="lan0")

app.synth()
