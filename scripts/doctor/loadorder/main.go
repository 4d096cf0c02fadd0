// loadorder loads a CNI config dir the way containerd's CRI plugin does (go-cni's
// WithDefaultConf over libcni, one network) and prints the default network's name, or the
// error that makes the load fail, as one JSON line. The doctor tests compare doctor's reading
// of the same dir with it.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	gocni "github.com/containerd/go-cni"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: loadorder <conf dir>")
		os.Exit(2)
	}
	out := map[string]string{}
	c, err := gocni.New(gocni.WithPluginConfDir(os.Args[1]), gocni.WithPluginMaxConfNum(1), gocni.WithMinNetworkCount(1))
	if err == nil {
		err = c.Load(gocni.WithDefaultConf)
	}
	if err != nil {
		out["error"] = err.Error()
	} else {
		out["name"] = c.GetConfig().Networks[0].Config.Name
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
