// Command k8s-validate checks the Kubernetes manifests offline, with the Kubernetes projects'
// own code: each kustomization is rendered by kustomize's library (krusty, exactly what
// `kustomize build` and `kubectl apply -k` do), every rendered object is decoded strictly into
// its typed struct from k8s.io/api (an unknown, duplicate or mistyped field is an error), and
// then the catalogue's deployment rules are checked (policy.go). The values file for the
// NATS Helm chart is checked as far as it is ours (helmvalues.go).
//
//	k8s-validate deploy/k8s/overlays/production deploy/k8s/overlays/small
//	k8s-validate -nats-values deploy/k8s/nats/values.yaml
//	k8s-validate -print deploy/k8s/overlays/small   # the rendered YAML, as kustomize build
//
// Exit status 1, with one line per problem naming the object, when any check fails.
package main

import (
	"flag"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func main() {
	print := flag.Bool("print", false, "print the rendered YAML of the one kustomization given, after checking it")
	natsValues := flag.String("nats-values", "", "also check this values file for the NATS Helm chart")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: k8s-validate [-print] [-nats-values FILE] KUSTOMIZATION_DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if (flag.NArg() == 0 && *natsValues == "") || (*print && flag.NArg() != 1) {
		flag.Usage()
		os.Exit(2)
	}

	failed := false
	if *natsValues != "" {
		problems := validateNatsValues(*natsValues)
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", *natsValues, problem)
		}
		failed = len(problems) > 0
		if !failed && !*print {
			fmt.Printf("%s: valid\n", *natsValues)
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
		if *print {
			os.Stdout.Write(rendered)
		} else {
			fmt.Printf("%s: valid\n", dir)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// validate renders one kustomization and returns its YAML and every problem found.
func validate(dir string) ([]byte, []string) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, []string{fmt.Sprintf("kustomize build: %v", err)}
	}
	rendered, err := resources.AsYaml()
	if err != nil {
		return nil, []string{fmt.Sprintf("kustomize build: %v", err)}
	}

	// Strict: fields that the typed struct does not have, or has twice, are errors too.
	decoder := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, json.SerializerOptions{Yaml: true, Strict: true})
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
		objects = append(objects, object)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return rendered, checkPolicy(objects)
}
