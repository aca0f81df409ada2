package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// validateNatsValues checks our values file for the NATS chart. The chart itself is not here
// (helm template needs it downloaded), so this checks what is ours: the fragments the chart
// merges into its StatefulSet decode strictly into their Kubernetes types, meet the same
// security rules as our own pods, and the cluster is what the apps expect.
func validateNatsValues(file string) (map[string]any, []string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var values map[string]any
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	// Three servers keep three copies of the event stream on disk; the chart's health checks
	// use the monitoring port; nats-box would need credentials and is not let in.
	for _, setting := range []struct {
		path string
		want any
	}{
		{"config.cluster.enabled", true},
		{"config.cluster.replicas", float64(3)},
		{"config.jetstream.enabled", true},
		{"config.jetstream.fileStore.enabled", true},
		{"config.jetstream.fileStore.pvc.enabled", true},
		{"config.monitor.enabled", true},
		{"natsBox.enabled", false},
	} {
		if got := lookup(values, setting.path); got != setting.want {
			fail("%s is %v, want %v", setting.path, got, setting.want)
		}
	}

	var pod corev1.PodTemplateSpec
	var nats, reloader corev1.Container
	var resources corev1.ResourceRequirements
	for _, fragment := range []struct {
		path string
		into any
	}{{"podTemplate.merge", &pod}, {"container.merge", &nats}, {"container.resources", &resources}, {"reloader.merge", &reloader}} {
		if err := decodeStrict(lookup(values, fragment.path), fragment.into); err != nil {
			fail("%s: %v", fragment.path, err)
		}
	}
	nats.Resources = resources
	env := asMap(lookup(values, "container.env"))
	for _, name := range slices.Sorted(maps.Keys(env)) {
		// The chart takes a string, or the rest of an EnvVar (valueFrom).
		value := env[name]
		if _, isText := value.(string); isText {
			continue
		}
		var variable corev1.EnvVar
		if err := decodeStrict(value, &variable); err != nil {
			fail("container.env.%s: %v", name, err)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}

	// The same rules as for our pods (policy.go); the probes and images are the chart's own.
	nats.Name, reloader.Name = "nats", "reloader"
	statefulSet := workload{kind: "StatefulSet", name: "nats", serving: true, labels: natsPods, pod: pod.Spec}
	c := &checker{configs: map[string]bool{}}
	if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
		c.fail(statefulSet, "mounts a service account token (set automountServiceAccountToken: false)")
	}
	for _, container := range []corev1.Container{nats, reloader} {
		where := fmt.Sprintf("container %q", container.Name)
		c.checkResources(statefulSet, where, container)
		c.checkSecurity(statefulSet, where, container)
	}
	for _, problem := range c.problems {
		fail("%s", problem)
	}
	return values, problems
}

// decodeStrict: a YAML value into a Kubernetes type; unknown fields are errors.
func decodeStrict(value any, into any) error {
	if value == nil {
		return fmt.Errorf("missing")
	}
	data, err := json.Marshal(value)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(data, into)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return strict[0]
	}
	return nil
}

func lookup(values map[string]any, path string) any {
	var node any = values
	for _, key := range strings.Split(path, ".") {
		node = asMap(node)[key]
	}
	return node
}

func asMap(value any) map[string]any {
	m, _ := value.(map[string]any)
	return m
}
