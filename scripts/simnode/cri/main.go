// containerd's part of pod networking on the simulated node: the CRI plugin's CNI calls, made with the
// library containerd itself uses (github.com/containerd/go-cni), loaded the way the CRI plugin loads
// it: the loopback network plus the lexically first config in the config dir, plugins from the
// bin dir, interfaces named eth0, eth1, ... and the pod's identity passed as CNI_ARGS labels.
//
//	cri add|del -conf-dir DIR -bin-dir DIR -id SANDBOX -netns PATH -namespace NS -name NAME -uid UID
//
// add prints the result as JSON on stdout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	gocni "github.com/containerd/go-cni"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "add" && os.Args[1] != "del") {
		fmt.Fprintln(os.Stderr, "usage: cri add|del [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	confDir := fs.String("conf-dir", "", "CNI config dir (containerd's conf_dir)")
	binDir := fs.String("bin-dir", "", "CNI plugin dir (containerd's bin_dir)")
	id := fs.String("id", "", "sandbox (infra container) id")
	netns := fs.String("netns", "", "the pod's network namespace path")
	namespace := fs.String("namespace", "", "the pod's namespace")
	name := fs.String("name", "", "the pod's name")
	uid := fs.String("uid", "", "the pod's UID")
	_ = fs.Parse(os.Args[2:])

	// The CRI plugin: two networks (loopback and the default one), interface prefix eth.
	cni, err := gocni.New(
		gocni.WithMinNetworkCount(2),
		gocni.WithPluginConfDir(*confDir),
		gocni.WithPluginDir([]string{*binDir}),
		gocni.WithInterfacePrefix("eth"),
	)
	if err != nil {
		fail("init", err)
	}
	if err := cni.Load(gocni.WithLoNetwork, gocni.WithDefaultConf); err != nil {
		fail("load", err)
	}
	labels := map[string]string{
		"K8S_POD_NAMESPACE":          *namespace,
		"K8S_POD_NAME":               *name,
		"K8S_POD_INFRA_CONTAINER_ID": *id,
		"K8S_POD_UID":                *uid,
		"IgnoreUnknown":              "1",
	}
	opts := []gocni.NamespaceOpts{gocni.WithLabels(labels), gocni.WithCapabilityPortMap(nil)}
	ctx := context.Background()
	if os.Args[1] == "del" {
		if err := cni.Remove(ctx, *id, *netns, opts...); err != nil {
			fail("del", err)
		}
		return
	}
	result, err := cni.Setup(ctx, *id, *netns, opts...)
	if err != nil {
		fail("add", err)
	}
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "cri %s: %v\n", step, err)
	os.Exit(1)
}
