// Command k8s-validate checks the Kubernetes manifests offline, with the Kubernetes projects'
// own code: each kustomization is rendered by kustomize's library (krusty, exactly what
// `kustomize build` and `kubectl apply -k` do), every rendered object is decoded strictly into
// its typed struct from k8s.io/api (an unknown, duplicate or mistyped field is an error), its
// metadata is validated as the API server would (metadata.go), and then the catalogue's
// deployment rules are checked (policy.go). The values file for the NATS Helm chart is
// checked as far as it is ours (helmvalues.go).
//
//	k8s-validate deploy/k8s/overlays/production deploy/k8s/overlays/small
//	k8s-validate -nats-values deploy/k8s/nats/values.yaml
//	k8s-validate -print deploy/k8s/overlays/small   # the rendered objects, as JSON
//
// Exit status 1, with one line per problem naming the object, when any check fails.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	print := flag.Bool("print", false, "print what was checked as JSON: the rendered objects of the one kustomization given, or the values")
	natsValues := flag.String("nats-values", "", "also check this values file for the NATS Helm chart")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: k8s-validate [-print] [-nats-values FILE] KUSTOMIZATION_DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg()+len(*natsValues) == 0 || (*print && (flag.NArg() > 1 || (flag.NArg() == 1) == (*natsValues != ""))) {
		flag.Usage()
		os.Exit(2)
	}

	failed := false
	if *natsValues != "" {
		values, problems := validateNatsValues(*natsValues)
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", *natsValues, problem)
		}
		failed = len(problems) > 0
		if !failed {
			report(*print, *natsValues, values)
		}
	}
	for _, dir := range flag.Args() {
		rendered, problems := validate(dir)
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", dir, problem)
		}
		if len(problems) > 0 {
			failed = true
			continue
		}
		report(*print, dir, rendered)
	}
	if failed {
		os.Exit(1)
	}
}

// report prints what passed: as JSON with -print, else that it is valid.
func report(print bool, name string, checked any) {
	if !print {
		fmt.Printf("%s: valid\n", name)
		return
	}
	out, err := json.Marshal(checked)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}

// validate renders one kustomization and returns its objects and every problem found.
func validate(dir string) ([]*kyaml.RNode, []string) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, []string{fmt.Sprintf("kustomize build: %v", err)}
	}
	// Strict: fields that the typed struct does not have, or has twice, are errors too.
	decoder := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, kjson.SerializerOptions{Yaml: true, Strict: true})
	var objects []runtime.Object
	var problems []string
	for _, resource := range resources.Resources() {
		name := fmt.Sprintf("%s/%s", resource.GetKind(), resource.GetName())
		yaml, err := resource.AsYAML()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		object, _, err := decoder.Decode(yaml, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		for _, problem := range checkMetadata(object) {
			problems = append(problems, fmt.Sprintf("%s: %v", name, problem))
		}
		objects = append(objects, object)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return resources.ToRNodeSlice(), checkPolicy(objects)
}
