package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nats-io/nats-server/v2/conf"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// natsRelease is the NATS chart as `helm template` rendered it (deploy/k8s/nats): its objects,
// its StatefulSet and the nats.conf its servers run with, parsed by nats-server's own parser.
type natsRelease struct {
	objects     []runtime.Object
	documents   []any // the objects as rendered, for -print
	statefulSet *appsv1.StatefulSet
	conf        map[string]any
}

// validateNats reads `helm template` output (a file, or "-" for standard input), decodes every
// object strictly, and checks it: the same rules as our own workloads (policy.go), and a
// nats.conf that keeps the event stream on the servers' own volumes.
func validateNats(file string) (*natsRelease, []string) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, []string{err.Error()}
	}
	release := &natsRelease{}
	var problems []string
	decoder := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, kjson.SerializerOptions{Yaml: true, Strict: true})
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, []string{err.Error()}
		}
		var generic map[string]any
		if err := yaml.Unmarshal(document, &generic); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if generic == nil {
			continue // only comments (helm's `# Source:` lines)
		}
		object, _, err := decoder.Decode(document, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s/%v: %v", generic["kind"], lookup(generic, "metadata.name"), err))
			continue
		}
		name := fmt.Sprintf("%s/%v", generic["kind"], lookup(generic, "metadata.name"))
		// `helm template` names no namespace; `helm install -n` puts every object in its own.
		if accessor, err := meta.Accessor(object); err == nil && accessor.GetNamespace() == "" {
			accessor.SetNamespace("release-namespace")
		}
		for _, problem := range checkMetadata(object) {
			problems = append(problems, fmt.Sprintf("%s: %v", name, problem))
		}
		if statefulSet, ok := object.(*appsv1.StatefulSet); ok {
			if release.statefulSet != nil {
				problems = append(problems, fmt.Sprintf("%s: a second StatefulSet; the chart renders one", name))
			}
			release.statefulSet = statefulSet
		}
		release.objects = append(release.objects, object)
		release.documents = append(release.documents, generic)
	}
	if release.statefulSet == nil {
		problems = append(problems, "no StatefulSet: this is not the NATS chart's output")
	}
	if len(problems) > 0 {
		return nil, problems
	}
	problems = append(problems, checkWorkloads(release.objects)...)
	problems = append(problems, release.checkConf()...)
	return release, problems
}

// container: the StatefulSet's container of this name.
func (r *natsRelease) container(name string) *corev1.Container {
	containers := r.statefulSet.Spec.Template.Spec.Containers
	if i := slices.IndexFunc(containers, func(c corev1.Container) bool { return c.Name == name }); i >= 0 {
		return &containers[i]
	}
	return nil
}

// servers: how many NATS servers the StatefulSet runs.
func (r *natsRelease) servers() int32 {
	if r.statefulSet.Spec.Replicas == nil {
		return 1
	}
	return *r.statefulSet.Spec.Replicas
}

// checkConf parses the nats.conf the servers read (the ConfigMap the StatefulSet mounts where
// the container's --config points) with nats-server's own parser, and checks that JetStream
// keeps its data on the servers' volumes and that the cluster's routes name every server.
func (r *natsRelease) checkConf() []string {
	object := named("StatefulSet/" + r.statefulSet.Name)
	nats := r.container("nats")
	if nats == nil {
		return []string{object.String() + `: no container "nats"`}
	}
	text, err := r.confText(nats)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", object, err)}
	}
	config, err := parseConf(text, nats)
	if err != nil {
		return []string{fmt.Sprintf("%s: nats.conf: %v", object, err)}
	}
	r.conf = config

	var problems []string
	fail := func(format string, args ...any) {
		problems = append(problems, object.String()+": "+fmt.Sprintf(format, args...))
	}
	jetstream, on := config["jetstream"].(map[string]any)
	if !on {
		fail("nats.conf has no jetstream block: the event stream and the outbox bucket need JetStream")
	} else if dir, _ := jetstream["store_dir"].(string); dir == "" {
		fail("nats.conf's JetStream has no store_dir: without file storage the event stream lives in memory and a restart loses it")
	} else if claim := claimAt(r.statefulSet, nats, dir); claim == "" {
		fail("JetStream stores in %s, which is not on a volumeClaimTemplate: a restarted server would lose its copy of the stream", dir)
	}

	servers := r.servers()
	routes := 0
	if cluster, ok := config["cluster"].(map[string]any); ok {
		list, _ := cluster["routes"].([]any)
		routes = len(list)
	}
	if servers > 1 && int32(routes) != servers {
		fail("runs %d servers, but nats.conf's cluster routes name %d", servers, routes)
	}
	return problems
}

// confText: the nats.conf of the ConfigMap mounted where the container's --config points.
func (r *natsRelease) confText(nats *corev1.Container) (string, error) {
	args := append(slices.Clone(nats.Command), nats.Args...)
	i := slices.Index(args, "--config")
	if i < 0 || i+1 >= len(args) {
		return "", fmt.Errorf(`container "nats" is started without --config`)
	}
	path := args[i+1]
	for _, mount := range nats.VolumeMounts {
		if !strings.HasPrefix(path, strings.TrimSuffix(mount.MountPath, "/")+"/") {
			continue
		}
		key := strings.TrimPrefix(path, strings.TrimSuffix(mount.MountPath, "/")+"/")
		for _, volume := range r.statefulSet.Spec.Template.Spec.Volumes {
			if volume.Name != mount.Name || volume.ConfigMap == nil {
				continue
			}
			for _, object := range r.objects {
				if configMap, ok := object.(*corev1.ConfigMap); ok && configMap.Name == volume.ConfigMap.Name {
					if text, ok := configMap.Data[key]; ok {
						return text, nil
					}
					return "", fmt.Errorf("ConfigMap/%s has no key %s (--config %s)", configMap.Name, key, path)
				}
			}
			return "", fmt.Errorf("mounts ConfigMap/%s, which the chart did not render", volume.ConfigMap.Name)
		}
	}
	return "", fmt.Errorf("--config %s is on no ConfigMap the container mounts", path)
}

// parseConf parses nats.conf as the server would in this container: a `$NAME` it uses must be
// one of the container's environment variables (nats-server falls back to the environment),
// or the server does not start. Each is given the placeholder `env_NAME`, so the parsed config
// says which variable a value comes from.
func parseConf(text string, nats *corev1.Container) (map[string]any, error) {
	saved := os.Environ()
	defer func() {
		os.Clearenv()
		for _, variable := range saved {
			name, value, _ := strings.Cut(variable, "=")
			os.Setenv(name, value)
		}
	}()
	os.Clearenv()
	for _, variable := range nats.Env {
		os.Setenv(variable.Name, envPlaceholder+variable.Name)
	}
	config, err := conf.Parse(text)
	if err != nil {
		return nil, unknownVariable(err)
	}
	return config, nil
}

// envPlaceholder, then its name, is what a variable from the environment parses as.
const envPlaceholder = "env_"

var variableError = regexp.MustCompile(`variable reference for '(\w+)' on line (\d+) can not be found`)

// unknownVariable says what an unset variable means here.
func unknownVariable(err error) error {
	if m := variableError.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[2])
		return fmt.Errorf(`line %d uses $%s, which is not an environment variable of container "nats" (container.env)`, line, m[1])
	}
	return err
}

// claimAt: the volumeClaimTemplate the container mounts at dir or above it ("" if none).
func claimAt(statefulSet *appsv1.StatefulSet, container *corev1.Container, dir string) string {
	for _, mount := range container.VolumeMounts {
		under := dir == mount.MountPath || strings.HasPrefix(dir, strings.TrimSuffix(mount.MountPath, "/")+"/")
		if !under {
			continue
		}
		for _, claim := range statefulSet.Spec.VolumeClaimTemplates {
			if claim.Name == mount.Name {
				return claim.Name
			}
		}
	}
	return ""
}

// checkClients: the apps of an overlay against the NATS servers: NATS_URL names every server
// on the client port, the event stream asks no more copies (EVENTS_REPLICAS) than there are
// servers, and each app's NATS_USER is a user of nats.conf whose password comes from the same
// Secret key as the app's NATS_PASSWORD.
func (r *natsRelease) checkClients(overlay []runtime.Object) []string {
	var problems []string
	configMaps := map[string]map[string]string{}
	for _, object := range overlay {
		if configMap, ok := object.(*corev1.ConfigMap); ok {
			configMaps[configMap.Name] = configMap.Data
		}
	}
	port, ok := r.conf["port"].(int64)
	if !ok {
		port = 4222 // nats-server's default
	}
	var servers []string
	for i := range r.servers() {
		servers = append(servers, fmt.Sprintf("nats://%s-%d.%s:%d", r.statefulSet.Name, i, r.statefulSet.Spec.ServiceName, port))
	}
	users := map[string]string{} // user: the variable its password comes from
	authorization, _ := r.conf["authorization"].(map[string]any)
	list, _ := authorization["users"].([]any)
	for _, entry := range list {
		user, _ := entry.(map[string]any)
		name, _ := user["user"].(string)
		password, _ := user["password"].(string)
		users[name] = password
	}
	nats := r.container("nats")

	for _, object := range overlay {
		deployment, ok := object.(*appsv1.Deployment)
		if !ok {
			continue
		}
		for _, container := range deployment.Spec.Template.Spec.Containers {
			settings := map[string]string{}
			for _, source := range container.EnvFrom {
				if source.ConfigMapRef != nil {
					for name, value := range configMaps[source.ConfigMapRef.Name] {
						settings[source.Prefix+name] = value
					}
				}
			}
			for _, variable := range container.Env {
				if variable.ValueFrom == nil {
					settings[variable.Name] = variable.Value
				}
			}
			url, isClient := settings["NATS_URL"]
			if !isClient {
				continue
			}
			where := named(fmt.Sprintf("Deployment/%s: container %q", deployment.Name, container.Name))
			fail := func(format string, args ...any) {
				problems = append(problems, where.String()+" "+fmt.Sprintf(format, args...))
			}
			if got := strings.Split(url, ","); !slices.Equal(slices.Sorted(slices.Values(got)), servers) {
				fail("has NATS_URL=%s, want every NATS server: %s", url, strings.Join(servers, ","))
			}
			if replicas, set := settings["EVENTS_REPLICAS"]; set {
				if n, err := strconv.Atoi(replicas); err != nil || int32(n) > r.servers() {
					fail("asks EVENTS_REPLICAS=%s copies of the event stream, but NATS runs %d server(s)", replicas, r.servers())
				}
			}
			user := settings["NATS_USER"]
			password, known := users[user]
			switch {
			case !known:
				fail("connects as NATS_USER=%q, which is not a user of nats.conf", user)
			case !strings.HasPrefix(password, envPlaceholder):
				fail("connects as %q, whose password is written into nats.conf instead of coming from a Secret", user)
			default:
				theirs := secretOf(container.Env, "NATS_PASSWORD")
				variable := strings.TrimPrefix(password, envPlaceholder)
				ours := secretOf(nats.Env, variable)
				if theirs == "" || theirs != ours {
					fail("has the NATS_PASSWORD of Secret key %q, but the NATS servers give user %q the password $%s of Secret key %q", theirs, user, variable, ours)
				}
			}
		}
	}
	return problems
}

// secretOf: the Secret and key ("name/key") an environment variable comes from ("" if none).
func secretOf(env []corev1.EnvVar, name string) string {
	for _, variable := range env {
		if variable.Name == name && variable.ValueFrom != nil && variable.ValueFrom.SecretKeyRef != nil {
			return variable.ValueFrom.SecretKeyRef.Name + "/" + variable.ValueFrom.SecretKeyRef.Key
		}
	}
	return ""
}
