// Command k8s-validate checks the Kubernetes manifests offline, with the Kubernetes projects'
// own code: each kustomization is rendered by kustomize's library (krusty, exactly what
// `kustomize build` and `kubectl apply -k` do), the NATS chart is rendered by `helm template`
// (its output is given with -nats-rendered), every object is decoded strictly into its typed
// struct from k8s.io/api (an unknown, duplicate or mistyped field is an error), its metadata is
// validated as the API server would (metadata.go), and then the catalogue's deployment rules
// are checked (policy.go): each overlay together with the NATS release beside it. The NATS
// servers' nats.conf is parsed by nats-server's own parser (nats.go); the values file for the
// chart may use only the chart's keys (values.go).
//
//	helm template nats deploy/k8s/nats/chart -n books-catalogue -f deploy/k8s/nats/values.yaml |
//	  k8s-validate -nats-values deploy/k8s/nats/values.yaml -nats-rendered - deploy/k8s/overlays/*
//	k8s-validate -print -nats-rendered nats.yaml deploy/k8s/overlays/small   # the overlay's objects, as JSON
//	k8s-validate -print -nats-rendered nats.yaml                             # the NATS chart's objects
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
	print := flag.Bool("print", false, "print the checked objects as JSON: the one kustomization's given, or with none the NATS chart's")
	natsValues := flag.String("nats-values", "", "check that this values `FILE` for the NATS chart uses only the chart's keys (the chart is chart/ beside it)")
	natsRendered := flag.String("nats-rendered", "", "the NATS chart's objects as helm template renders them, from `FILE` (- for standard input): checked, and installed beside each kustomization")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: k8s-validate [-print] [-nats-values FILE] [-nats-rendered FILE|-] [KUSTOMIZATION_DIR...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg()+len(*natsValues)+len(*natsRendered) == 0 || (*print && (flag.NArg() > 1 || (flag.NArg() == 0 && *natsRendered == ""))) {
		flag.Usage()
		os.Exit(2)
	}

	failed := false
	problems := func(name string, problems []string) bool {
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", name, problem)
		}
		failed = failed || len(problems) > 0
		return len(problems) == 0
	}
	if *natsValues != "" && problems(*natsValues, checkNatsValues(*natsValues)) && !*print {
		report(false, *natsValues, nil)
	}
	var nats *natsRelease
	if *natsRendered != "" {
		name := *natsRendered
		if name == "-" {
			name = "nats (helm template)"
		}
		release, found := validateNats(*natsRendered)
		if problems(name, found) {
			nats = release
			if flag.NArg() == 0 || !*print {
				report(*print, name, release.documents)
			}
		}
	}
	for _, dir := range flag.Args() {
		rendered, objects, found := validate(dir)
		switch {
		case len(found) > 0:
		case *natsRendered != "" && nats == nil:
			found = []string{"not checked with the NATS servers beside it, whose objects have problems (above)"}
		case nats == nil:
			found = checkInstallation(objects, nil)
		default:
			found = append(checkInstallation(objects, nats.objects), nats.checkClients(objects)...)
		}
		if problems(dir, found) {
			report(*print, dir, rendered)
		}
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

// validate renders one kustomization and returns its objects (as rendered, and decoded) and
// every problem found in them on their own.
func validate(dir string) ([]*kyaml.RNode, []runtime.Object, []string) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, nil, []string{fmt.Sprintf("kustomize build: %v", err)}
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
		return nil, nil, problems
	}
	return resources.ToRNodeSlice(), objects, checkWorkloads(objects)
}
