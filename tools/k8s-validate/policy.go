package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// workload is what runs pods: a Deployment, a StatefulSet or a Job.
type workload struct {
	kind, name string
	// Long-running (Deployment, StatefulSet): probes, a PodDisruptionBudget.
	serving bool
	labels  labels.Set
	pod     corev1.PodSpec
	// A StatefulSet's volumeClaimTemplates, which its containers mount like volumes.
	claims []string
	// The Deployment's or StatefulSet's selector, and a Deployment's replicas.
	selector *metav1.LabelSelector
	replicas *int32
}

func (w workload) String() string { return w.kind + "/" + w.name }

// reachableFrom is who may open a connection to which port of whom (issue 14): "anyone" is
// every source, the other names are workloads: ours, and the NATS chart's StatefulSet `nats`
// (-nats-rendered). Sources are matched by the NetworkPolicies' pod selectors against the
// workloads' pod labels, ports against the containers' ports. Every port a serving workload's
// containers expose that is not listed here must be reachable from no one (the kubelet's probes
// come from the node and are not subject to NetworkPolicy).
var reachableFrom = map[string]map[int32][]string{
	"web":     {8080: {"anyone"}},
	"gateway": {3000: {"web"}},
	// MongoDB's members replicate to each other; the init Job forms the set.
	"mongodb": {27017: {"books-service", "mongodb", "mongodb-init"}},
	// NATS clients are the apps; the servers' routes connect them to each other.
	"nats": {4222: {"books-service", "gateway"}, 6222: {"nats"}},
}

type checker struct {
	workloads []workload
	hpas      []*autoscalingv2.HorizontalPodAutoscaler
	pdbs      []*policyv1.PodDisruptionBudget
	services  []*corev1.Service
	policies  []*networkingv1.NetworkPolicy
	configs   map[string]bool
	problems  []string
}

func (c *checker) fail(object fmt.Stringer, format string, args ...any) {
	c.problems = append(c.problems, object.String()+": "+fmt.Sprintf(format, args...))
}

type named string

func (n named) String() string { return string(n) }

// collect sorts objects into a checker by what the rules need of them.
func collect(objects []runtime.Object) *checker {
	c := &checker{configs: map[string]bool{}}
	for _, object := range objects {
		switch o := object.(type) {
		case *appsv1.Deployment:
			c.workloads = append(c.workloads, workload{kind: "Deployment", name: o.Name, serving: true, labels: o.Spec.Template.Labels, pod: o.Spec.Template.Spec, selector: o.Spec.Selector, replicas: o.Spec.Replicas})
		case *appsv1.StatefulSet:
			w := workload{kind: "StatefulSet", name: o.Name, serving: true, labels: o.Spec.Template.Labels, pod: o.Spec.Template.Spec, selector: o.Spec.Selector}
			for _, claim := range o.Spec.VolumeClaimTemplates {
				w.claims = append(w.claims, claim.Name)
			}
			c.workloads = append(c.workloads, w)
		case *batchv1.Job:
			c.workloads = append(c.workloads, workload{kind: "Job", name: o.Name, labels: o.Spec.Template.Labels, pod: o.Spec.Template.Spec})
		case *autoscalingv2.HorizontalPodAutoscaler:
			c.hpas = append(c.hpas, o)
		case *policyv1.PodDisruptionBudget:
			c.pdbs = append(c.pdbs, o)
		case *corev1.Service:
			c.services = append(c.services, o)
		case *networkingv1.NetworkPolicy:
			c.policies = append(c.policies, o)
		case *corev1.ConfigMap:
			c.configs[o.Name] = true
		}
	}
	return c
}

// checkWorkloads: the rules each set of objects must meet on its own (an overlay, or the NATS
// chart's release): pods, disruption budgets, autoscalers, Services.
func checkWorkloads(objects []runtime.Object) []string {
	c := collect(objects)
	for _, w := range c.workloads {
		if w.selector != nil {
			c.checkSelector(w, w.selector, w.labels)
		}
		if w.kind == "Deployment" && w.replicas != nil {
			c.fail(w, "sets spec.replicas, which its HorizontalPodAutoscaler owns (every apply would reset it)")
		}
		c.checkPod(w)
		if w.serving {
			c.checkDisruptionBudget(w)
		}
		if w.kind == "Deployment" {
			c.checkAutoscaler(w)
		}
	}
	c.checkAutoscalerTargets()
	c.checkServices()
	return c.problems
}

// checkInstallation: the rules of everything installed in the namespace together, an overlay
// and the NATS release beside it: who reaches whom.
func checkInstallation(overlay, nats []runtime.Object) []string {
	c := collect(append(slices.Clone(overlay), nats...))
	c.checkNetworkPolicies()
	return c.problems
}

func (c *checker) checkSelector(object fmt.Stringer, selector *metav1.LabelSelector, podLabels labels.Set) {
	if s, err := metav1.LabelSelectorAsSelector(selector); err != nil || !s.Matches(podLabels) {
		c.fail(object, "selector does not match its pod template's labels %v", podLabels)
	}
}

// checkPod: every container has probes (if it serves and listens), requests and limits, a
// pinned image and the restricted security settings; what it mounts and reads is there.
func (c *checker) checkPod(w workload) {
	if w.pod.AutomountServiceAccountToken == nil || *w.pod.AutomountServiceAccountToken {
		c.fail(w, "mounts a service account token (set automountServiceAccountToken: false)")
	}
	volumes := slices.Clone(w.claims)
	for _, volume := range w.pod.Volumes {
		volumes = append(volumes, volume.Name)
	}
	for _, container := range append(slices.Clone(w.pod.InitContainers), w.pod.Containers...) {
		where := fmt.Sprintf("container %q", container.Name)
		// A container that listens is probed; one that does not (the NATS chart's config
		// reloader) serves nothing to be ready for.
		if w.serving && len(container.Ports) > 0 {
			c.checkProbes(w, where, container)
		}
		c.checkResources(w, where, container)
		c.checkSecurity(w, where, container)
		if !pinned(container.Image) {
			c.fail(w, "%s runs image %q, which is not pinned to a tag (set one in the overlay's images:)", where, container.Image)
		}
		for _, mount := range container.VolumeMounts {
			if !slices.Contains(volumes, mount.Name) {
				c.fail(w, "%s mounts volume %q, which the pod does not have", where, mount.Name)
			}
		}
		for _, source := range container.EnvFrom {
			if source.ConfigMapRef != nil && !c.configs[source.ConfigMapRef.Name] {
				c.fail(w, "%s reads ConfigMap %q, which is not in the manifests", where, source.ConfigMapRef.Name)
			}
		}
	}
}

func (c *checker) checkProbes(w workload, where string, container corev1.Container) {
	if container.ReadinessProbe == nil {
		c.fail(w, "%s has no readinessProbe", where)
	}
	if container.LivenessProbe == nil {
		c.fail(w, "%s has no livenessProbe", where)
	}
	probes := []struct {
		kind  string
		probe *corev1.Probe
	}{{"startupProbe", container.StartupProbe}, {"livenessProbe", container.LivenessProbe}, {"readinessProbe", container.ReadinessProbe}}
	for _, p := range probes {
		if port, ok := probePort(p.probe); ok && !exposes(corev1.PodSpec{Containers: []corev1.Container{container}}, port, 0) {
			c.fail(w, "%s's %s asks port %s, which the container does not expose", where, p.kind, port.String())
		}
	}
}

func (c *checker) checkResources(w workload, where string, container corev1.Container) {
	for _, resource := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		request, hasRequest := container.Resources.Requests[resource]
		limit, hasLimit := container.Resources.Limits[resource]
		if !hasRequest || !hasLimit {
			c.fail(w, "%s needs both a request and a limit for %s", where, resource)
		} else if request.Cmp(limit) > 0 {
			c.fail(w, "%s requests more %s (%s) than its limit (%s)", where, resource, request.String(), limit.String())
		}
	}
}

// checkSecurity: the Pod Security Standard "restricted", with a read-only root filesystem on
// top. A container's own setting wins over its pod's.
func (c *checker) checkSecurity(w workload, where string, container corev1.Container) {
	pod := w.pod.SecurityContext
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	security := container.SecurityContext
	if security == nil {
		security = &corev1.SecurityContext{}
	}
	if !isTrue(first(security.RunAsNonRoot, pod.RunAsNonRoot)) {
		c.fail(w, "%s may run as root (runAsNonRoot: true)", where)
	}
	if user := first(security.RunAsUser, pod.RunAsUser); user == nil || *user == 0 {
		c.fail(w, "%s has no numeric non-root runAsUser (the kubelet cannot check a named USER)", where)
	}
	if !isTrue(security.ReadOnlyRootFilesystem) {
		c.fail(w, "%s has a writable root filesystem (readOnlyRootFilesystem: true)", where)
	}
	if security.AllowPrivilegeEscalation == nil || *security.AllowPrivilegeEscalation {
		c.fail(w, "%s allows privilege escalation (allowPrivilegeEscalation: false)", where)
	}
	if security.Capabilities == nil || !slices.Contains(security.Capabilities.Drop, "ALL") || len(security.Capabilities.Add) > 0 {
		c.fail(w, "%s keeps capabilities (capabilities: drop: [ALL], add none)", where)
	}
	if seccomp := first(security.SeccompProfile, pod.SeccompProfile); seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		c.fail(w, "%s has no RuntimeDefault seccomp profile", where)
	}
}

func (c *checker) checkDisruptionBudget(w workload) {
	for _, pdb := range c.pdbs {
		if s, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err == nil && !s.Empty() && s.Matches(w.labels) {
			return
		}
	}
	c.fail(w, "no PodDisruptionBudget selects its pods %v", w.labels)
}

func (c *checker) checkAutoscaler(w workload) {
	for _, hpa := range c.hpas {
		target := hpa.Spec.ScaleTargetRef
		if target.Kind == w.kind && target.Name == w.name && target.APIVersion == "apps/v1" {
			if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 1 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
				c.fail(named("HorizontalPodAutoscaler/"+hpa.Name), "needs 1 <= minReplicas <= maxReplicas")
			}
			for _, container := range w.pod.Containers {
				if _, ok := container.Resources.Requests[corev1.ResourceCPU]; !ok {
					c.fail(named("HorizontalPodAutoscaler/"+hpa.Name), "scales on CPU, but container %q requests none", container.Name)
				}
			}
			return
		}
	}
	c.fail(w, "no HorizontalPodAutoscaler scales it")
}

// checkAutoscalerTargets: every autoscaler scales something that is there.
func (c *checker) checkAutoscalerTargets() {
	for _, hpa := range c.hpas {
		target := hpa.Spec.ScaleTargetRef
		found := slices.ContainsFunc(c.workloads, func(w workload) bool {
			return w.serving && w.kind == target.Kind && w.name == target.Name
		})
		if !found {
			c.fail(named("HorizontalPodAutoscaler/"+hpa.Name), "scales %s %s/%s, which is not in the manifests", target.APIVersion, target.Kind, target.Name)
		}
	}
}

// checkServices: every Service selects pods, and its target ports are theirs.
func (c *checker) checkServices() {
	for _, service := range c.services {
		object := named("Service/" + service.Name)
		selector := labels.SelectorFromSet(service.Spec.Selector)
		var pods []workload
		for _, w := range c.workloads {
			if w.serving && len(service.Spec.Selector) > 0 && selector.Matches(w.labels) {
				pods = append(pods, w)
			}
		}
		if len(pods) == 0 {
			c.fail(object, "selector %v matches no pods", service.Spec.Selector)
			continue
		}
		for _, port := range service.Spec.Ports {
			for _, w := range pods {
				if !exposes(w.pod, port.TargetPort, port.Port) {
					c.fail(object, "port %q targets %s, which %s does not expose", port.Name, port.TargetPort.String(), w)
				}
			}
		}
	}
	for _, w := range c.workloads {
		if w.kind != "StatefulSet" {
			continue
		}
		if !slices.ContainsFunc(c.services, func(s *corev1.Service) bool { return s.Spec.ClusterIP == corev1.ClusterIPNone }) {
			c.fail(w, "has no headless Service for its members' names")
		}
	}
}

func exposes(pod corev1.PodSpec, target intstr.IntOrString, port int32) bool {
	for _, container := range pod.Containers {
		for _, p := range container.Ports {
			switch {
			case target.Type == intstr.String && target.StrVal == p.Name,
				target.Type == intstr.Int && target.IntVal == p.ContainerPort,
				target.Type == intstr.Int && target.IntVal == 0 && port == p.ContainerPort:
				return true
			}
		}
	}
	return false
}

// checkNetworkPolicies: ingress is closed by default, and opened exactly as reachableFrom says,
// port by port.
func (c *checker) checkNetworkPolicies() {
	denies := slices.ContainsFunc(c.policies, func(p *networkingv1.NetworkPolicy) bool {
		return len(p.Spec.PodSelector.MatchLabels) == 0 && len(p.Spec.PodSelector.MatchExpressions) == 0 &&
			slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) && len(p.Spec.Ingress) == 0
	})
	if !denies {
		c.fail(named("NetworkPolicy"), "no default-deny policy (podSelector: {}, policyTypes: [Ingress], no rules)")
	}

	// Who may connect: every workload. Who is connected to: those that serve (Jobs listen on nothing).
	parties := map[string]labels.Set{}
	for _, w := range c.workloads {
		parties[w.name] = w.labels
	}
	for _, name := range slices.Sorted(maps.Keys(reachableFrom)) {
		if !slices.ContainsFunc(c.workloads, func(w workload) bool { return w.name == name && w.serving }) {
			c.fail(named("NetworkPolicy"), "no workload is named %s, so who reaches it cannot be checked (NATS: the chart's StatefulSet, rendered as the release nats and given with -nats-rendered)", name)
		}
	}
	for _, w := range c.workloads {
		if !w.serving {
			continue
		}
		want := reachableFrom[w.name]
		for _, port := range slices.Sorted(maps.Keys(want)) {
			if !exposes(w.pod, intstr.FromInt32(port), port) {
				c.fail(named("NetworkPolicy"), "%s should be reachable on port %d, which %s does not expose", w.name, port, w)
			}
		}
		for _, container := range w.pod.Containers {
			for _, port := range container.Ports {
				got := c.sourcesOf(w.labels, port, parties)
				wanted := slices.Sorted(slices.Values(want[port.ContainerPort]))
				if !slices.Equal(got, wanted) {
					c.fail(named("NetworkPolicy"), "%s port %d (%s) is reachable from [%s], want [%s]", w.name, port.ContainerPort, port.Name, strings.Join(got, " "), strings.Join(wanted, " "))
				}
			}
		}
	}
}

// sourcesOf: who the policies that select these pods let in on this port, sorted.
func (c *checker) sourcesOf(target labels.Set, port corev1.ContainerPort, parties map[string]labels.Set) []string {
	sources := map[string]bool{}
	for _, policy := range c.policies {
		selector, err := metav1.LabelSelectorAsSelector(&policy.Spec.PodSelector)
		if err != nil || !selector.Matches(target) {
			continue
		}
		for _, rule := range policy.Spec.Ingress {
			if !admitsPort(rule.Ports, port) {
				continue
			}
			if len(rule.From) == 0 {
				sources["anyone"] = true
			}
			for _, peer := range rule.From {
				if peer.IPBlock != nil || peer.NamespaceSelector != nil || peer.PodSelector == nil {
					sources["outside the namespace"] = true
					continue
				}
				peerSelector, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
				if err != nil {
					continue
				}
				for name, podLabels := range parties {
					if peerSelector.Matches(podLabels) {
						sources[name] = true
					}
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(sources))
}

// admitsPort: whether a rule's ports include this container port (no ports: every port), by
// number, range or name, and protocol (TCP unless said).
func admitsPort(ports []networkingv1.NetworkPolicyPort, port corev1.ContainerPort) bool {
	if len(ports) == 0 {
		return true
	}
	protocol := cmp.Or(port.Protocol, corev1.ProtocolTCP)
	for _, p := range ports {
		if p.Protocol != nil && *p.Protocol != protocol || p.Protocol == nil && protocol != corev1.ProtocolTCP {
			continue
		}
		switch {
		case p.Port == nil,
			p.Port.Type == intstr.String && p.Port.StrVal == port.Name,
			p.Port.Type == intstr.Int && p.EndPort == nil && p.Port.IntVal == port.ContainerPort,
			p.Port.Type == intstr.Int && p.EndPort != nil && p.Port.IntVal <= port.ContainerPort && port.ContainerPort <= *p.EndPort:
			return true
		}
	}
	return false
}

// podTemplateLabels: the labels of a workload's pods (nil for other objects).
func podTemplateLabels(object runtime.Object) map[string]string {
	switch o := object.(type) {
	case *appsv1.Deployment:
		return o.Spec.Template.Labels
	case *appsv1.StatefulSet:
		return o.Spec.Template.Labels
	case *batchv1.Job:
		return o.Spec.Template.Labels
	}
	return nil
}

// probePort: the port an HTTP or TCP probe asks (exec probes have none).
func probePort(probe *corev1.Probe) (intstr.IntOrString, bool) {
	switch {
	case probe == nil:
		return intstr.IntOrString{}, false
	case probe.HTTPGet != nil:
		return probe.HTTPGet.Port, true
	case probe.TCPSocket != nil:
		return probe.TCPSocket.Port, true
	}
	return intstr.IntOrString{}, false
}

// pinned: an image with a tag (or digest) other than `latest`.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	return colon > slash && image[colon+1:] != "latest"
}

func isTrue(value *bool) bool { return value != nil && *value }

// first: the first value that is set (the container's setting wins over the pod's).
func first[T any](values ...*T) *T {
	for _, value := range values {
		if value != nil {
			return value
		}
	}
	return nil
}
