package main

import (
	"encoding/json"
	"fmt"
	"os"
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

	for path, want := range map[string]any{
		"config.cluster.enabled":                 true,
		"config.cluster.replicas":                float64(3),
		"config.jetstream.enabled":               true,
		"config.jetstream.fileStore.enabled":     true,
		"config.jetstream.fileStore.pvc.enabled": true,
		"config.monitor.enabled":                 true,
		"natsBox.enabled":                        false,
	} {
		if got := lookup(values, path); got != want {
			fail("%s is %v, want %v", path, got, want)
		}
	}

	var pod corev1.PodTemplateSpec
	var nats, reloader corev1.Container
	var resources corev1.ResourceRequirements
	for path, into := range map[string]any{"podTemplate.merge": &pod, "container.merge": &nats, "reloader.merge": &reloader, "container.resources": &resources} {
		if err := decodeStrict(lookup(values, path), into); err != nil {
			fail("%s: %v", path, err)
		}
	}
	nats.Resources = resources
	for name, value := range asMap(lookup(values, "container.env")) {
		// The chart takes a string, or the rest of an EnvVar (valueFrom).
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

	// The same rules as for our pods (policy.go): a workload with these two containers.
	pod.Spec.Containers = []corev1.Container{withName(nats, "nats"), withName(reloader, "reloader")}
	for i := range pod.Spec.Containers {
		// Probes and the image are the chart's own (startup, readiness and liveness on /healthz).
		pod.Spec.Containers[i].ReadinessProbe = &corev1.Probe{}
		pod.Spec.Containers[i].LivenessProbe = &corev1.Probe{}
		pod.Spec.Containers[i].Image = "chart:pinned"
	}
	c := &checker{configs: map[string]bool{}}
	c.checkPod(workload{kind: "StatefulSet", name: "nats", serving: true, labels: natsPods, pod: pod.Spec})
	for _, problem := range c.problems {
		fail("%s", problem)
	}
	return values, problems
}

func withName(container corev1.Container, name string) corev1.Container {
	container.Name = name
	return container
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
