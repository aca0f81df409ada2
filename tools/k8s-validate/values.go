package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// freeForm are the chart's values whose keys are not the chart's: what `merge` and `patch` put
// into a Kubernetes object or nats.conf (checked where they end up: the rendered objects are
// decoded strictly, nats.conf by nats-server), environment variables, labels, a topology key
// per spread constraint, nats-box contexts by name, and extra objects.
var freeForm = []string{"merge", "patch", "env", "labels", "topologySpreadConstraints", "contexts", "extraResources"}

// checkNatsValues: every key of our values file is a key of the chart's values.yaml (the chart
// in chart/ beside it). Helm ignores a key the chart does not read, so a misspelt one is a
// setting silently not made: `config.jetstrem.enabled: true` leaves JetStream off.
func checkNatsValues(file string) []string {
	chartValues := filepath.Join(filepath.Dir(file), "chart", "values.yaml")
	var ours, theirs map[string]any
	for _, read := range []struct {
		file string
		into *map[string]any
	}{{file, &ours}, {chartValues, &theirs}} {
		data, err := os.ReadFile(read.file)
		if err != nil {
			return []string{err.Error()}
		}
		if err := yaml.Unmarshal(data, read.into); err != nil {
			return []string{fmt.Sprintf("%s: %v", read.file, err)}
		}
	}
	return unknownKeys(ours, theirs, "")
}

func unknownKeys(ours, theirs map[string]any, path string) []string {
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(ours)) {
		here := strings.TrimPrefix(path+"."+key, ".")
		chart, known := theirs[key]
		if !known {
			problems = append(problems, fmt.Sprintf("%s is not a value of the NATS chart (chart/values.yaml): Helm would ignore it", here))
			continue
		}
		if slices.Contains(freeForm, key) {
			continue
		}
		// Where the chart's value is a map with keys of its own, ours must use its keys; an empty
		// map ({}) or a plain value takes anything the chart's comments describe.
		if chartMap, isMap := chart.(map[string]any); isMap && len(chartMap) > 0 {
			if oursMap, isMap := ours[key].(map[string]any); isMap {
				problems = append(problems, unknownKeys(oursMap, chartMap, here)...)
			} else {
				problems = append(problems, fmt.Sprintf("%s is a %T; the NATS chart's is a map", here, ours[key]))
			}
		}
	}
	return problems
}

// lookup: a value in a YAML tree by its dotted path (nil if absent).
func lookup(values map[string]any, path string) any {
	var node any = values
	for _, key := range strings.Split(path, ".") {
		m, _ := node.(map[string]any)
		node = m[key]
	}
	return node
}
