// The YAML referee: reads a multi-document YAML file the way kubectl and the API server do, and
// prints one JSON line per document, so that tests can hold lint's YAML reading against theirs.
//
//   - "kubectl": the object as kubectl apply -f sends it: k8s.io/cli-runtime's StreamVisitor
//     decodes each document with apimachinery's YAMLOrJSONDecoder into a RawExtension (JSON).
//   - "strictError": what the API server says of the document sent as a YAML body with strict
//     field validation: apimachinery's JSON serializer with Yaml and Strict set, decoding into
//     Unstructured (empty when it accepts it).
//   - "kustomizeError": what kustomize (sigs.k8s.io/kustomize/api, as kubectl apply -k and
//     GitOps controllers run it) says of the document as the one resource of a kustomization.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	serjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type verdict struct {
	Kubectl     json.RawMessage `json:"kubectl,omitempty"`
	KubectlErr  string          `json:"kubectlError,omitempty"`
	StrictError string          `json:"strictError,omitempty"`
	Kustomize   string          `json:"kustomizeError,omitempty"`
}

// kustomize returns the error of kustomize building a kustomization whose one resource is doc.
func kustomize(doc []byte) string {
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/k/kustomization.yaml", []byte("resources:\n- m.yaml\n")); err != nil {
		return err.Error()
	}
	if err := fs.WriteFile("/k/m.yaml", doc); err != nil {
		return err.Error()
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/k")
	if err != nil {
		return err.Error()
	}
	// kustomize build (and kubectl apply -k) writes the resources out as YAML: a key defined
	// twice fails there.
	if _, err := m.AsYaml(); err != nil {
		return err.Error()
	}
	return ""
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	strict := serjson.NewSerializerWithOptions(serjson.DefaultMetaFactory, runtime.NewScheme(), runtime.NewScheme(),
		serjson.SerializerOptions{Yaml: true, Strict: true})
	reader := yaml.NewYAMLReader(bufio.NewReader(f))
	out := json.NewEncoder(os.Stdout)
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var v verdict
		ext := runtime.RawExtension{}
		if err := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(doc), 4096).Decode(&ext); err != nil {
			v.KubectlErr = err.Error()
		} else {
			v.Kubectl = bytes.TrimSpace(ext.Raw)
		}
		if _, _, err := strict.Decode(doc, nil, &unstructured.Unstructured{}); err != nil {
			v.StrictError = err.Error()
		}
		v.Kustomize = kustomize(doc)
		if err := out.Encode(v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
