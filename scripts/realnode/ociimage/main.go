// ociimage writes a one-layer linux image as an archive that `ctr images import` reads (the
// docker-save layout go-containerregistry's tarball package writes: manifest.json with the image's
// name, its config and its layer), so that containerd gets images without a registry.
//
//	ociimage -layer rootfs.tar -name docker.io/library/busybox:1.37 -entrypoint /bin/sh -o busybox.tar
//
// -entrypoint and -cmd take a comma-separated argv; the layer is an uncompressed tar of the root
// filesystem.
package main

import (
	"flag"
	"log"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func argv(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func main() {
	layerPath := flag.String("layer", "", "uncompressed tar of the image's root filesystem")
	ref := flag.String("name", "", "image name, e.g. docker.io/library/busybox:1.37")
	entrypoint := flag.String("entrypoint", "", "comma-separated entrypoint argv")
	cmd := flag.String("cmd", "", "comma-separated cmd argv")
	out := flag.String("o", "", "archive to write")
	flag.Parse()
	if *layerPath == "" || *ref == "" || *out == "" {
		log.Fatal("-layer, -name and -o are required")
	}
	tag, err := name.NewTag(*ref)
	if err != nil {
		log.Fatalf("-name: %v", err)
	}
	layer, err := tarball.LayerFromFile(*layerPath)
	if err != nil {
		log.Fatalf("layer: %v", err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		log.Fatalf("append layer: %v", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		log.Fatalf("config: %v", err)
	}
	cf = cf.DeepCopy()
	// ctr imports only the host's platform unless told otherwise.
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config = v1.Config{
		Entrypoint: argv(*entrypoint),
		Cmd:        argv(*cmd),
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		log.Fatalf("set config: %v", err)
	}
	if err := tarball.WriteToFile(*out, tag, img); err != nil {
		log.Fatalf("write %s: %v", *out, err)
	}
	d, _ := img.Digest()
	log.Printf("%s: %s (%s)", *out, tag, d)
}
