package main

// The mistakes strict decoding lets through and an API server or a kubelet would not: names, selectors that
// select nothing, probes on ports that do not exist, an HPA on a Deployment that is not there (or on CPU
// without CPU requests), references to keys missing from a Secret or ConfigMap of the same render.

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

type rendered struct {
	deployments map[string]*appsv1.Deployment
	secrets     map[string]map[string]bool
	configMaps  map[string]map[string]bool
}

func key(ns, name string) string { return ns + "/" + name }

func checkSemantics(res *k8sResult) {
	r := rendered{deployments: map[string]*appsv1.Deployment{}, secrets: map[string]map[string]bool{}, configMaps: map[string]map[string]bool{}}
	for _, o := range res.Objects {
		switch obj := o.typed.(type) {
		case *appsv1.Deployment:
			r.deployments[key(o.Namespace, o.Name)] = obj
		case *corev1.Secret:
			keys := map[string]bool{}
			for k := range obj.Data {
				keys[k] = true
			}
			for k := range obj.StringData {
				keys[k] = true
			}
			r.secrets[key(o.Namespace, o.Name)] = keys
		case *corev1.ConfigMap:
			keys := map[string]bool{}
			for k := range obj.Data {
				keys[k] = true
			}
			r.configMaps[key(o.Namespace, o.Name)] = keys
		}
	}
	for _, o := range res.Objects {
		what := o.Kind + "/" + o.Name
		bad := func(format string, args ...any) { res.errorf("%s: %s", what, fmt.Sprintf(format, args...)) }
		if o.Name == "" {
			bad("metadata.name is empty")
		} else if o.Kind == "Service" {
			for _, msg := range validation.IsDNS1035Label(o.Name) {
				bad("metadata.name: %s", msg)
			}
		} else {
			for _, msg := range validation.IsDNS1123Subdomain(o.Name) {
				bad("metadata.name: %s", msg)
			}
		}
		switch obj := o.typed.(type) {
		case *appsv1.Deployment:
			checkDeployment(obj, o.Namespace, r, bad)
		case *corev1.Service:
			checkService(obj, o.Namespace, r, bad)
		case *autoscalingv2.HorizontalPodAutoscaler:
			checkHPA(obj, o.Namespace, r, bad)
		case *policyv1.PodDisruptionBudget:
			checkPDB(obj, o.Namespace, r, bad)
		}
	}
}

type reporter func(format string, args ...any)

func selects(sel *metav1.LabelSelector, podLabels map[string]string) (bool, error) {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return false, err
	}
	return !s.Empty() && s.Matches(labels.Set(podLabels)), nil
}

func checkDeployment(d *appsv1.Deployment, ns string, r rendered, bad reporter) {
	if d.Spec.Selector == nil {
		bad("spec.selector is required")
	} else if ok, err := selects(d.Spec.Selector, d.Spec.Template.Labels); err != nil {
		bad("spec.selector: %v", err)
	} else if !ok {
		bad("spec.selector does not match spec.template.metadata.labels")
	}
	checkPodSpec(&d.Spec.Template.Spec, ns, r, bad)
}

func checkPodSpec(p *corev1.PodSpec, ns string, r rendered, bad reporter) {
	if len(p.Containers) == 0 {
		bad("spec.template.spec.containers is empty")
	}
	volumes := map[string]*corev1.Volume{}
	for i := range p.Volumes {
		v := &p.Volumes[i]
		volumes[v.Name] = v
		if v.Secret != nil {
			checkItems(fmt.Sprintf("volume %s", v.Name), r.secrets[key(ns, v.Secret.SecretName)], v.Secret.Items, v.Secret.Optional, bad)
		}
		if v.ConfigMap != nil {
			keys, ok := r.configMaps[key(ns, v.ConfigMap.Name)]
			if !ok && (v.ConfigMap.Optional == nil || !*v.ConfigMap.Optional) {
				bad("volume %s: ConfigMap %q is not in the render", v.Name, v.ConfigMap.Name)
			}
			checkItems(fmt.Sprintf("volume %s", v.Name), keys, v.ConfigMap.Items, v.ConfigMap.Optional, bad)
		}
	}
	names := map[string]bool{}
	for _, c := range append(append([]corev1.Container{}, p.InitContainers...), p.Containers...) {
		where := fmt.Sprintf("container %q", c.Name)
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			bad("%s: name: %s", where, msg)
		}
		if names[c.Name] {
			bad("%s: duplicate container name", where)
		}
		names[c.Name] = true
		if c.Image == "" {
			bad("%s: image is empty", where)
		}
		ports := map[string]bool{}
		for _, port := range c.Ports {
			if port.Name != "" {
				for _, msg := range validation.IsValidPortName(port.Name) {
					bad("%s: port name %q: %s", where, port.Name, msg)
				}
				ports[port.Name] = true
			}
			if port.ContainerPort < 1 || port.ContainerPort > 65535 {
				bad("%s: containerPort %d out of range", where, port.ContainerPort)
			}
		}
		for probeName, probe := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe, "startupProbe": c.StartupProbe} {
			if probe == nil {
				continue
			}
			var port *intstr.IntOrString
			if probe.HTTPGet != nil {
				port = &probe.HTTPGet.Port
			} else if probe.TCPSocket != nil {
				port = &probe.TCPSocket.Port
			}
			if port != nil && port.Type == intstr.String && !ports[port.StrVal] {
				bad("%s: %s uses port %q, which the container does not declare", where, probeName, port.StrVal)
			}
		}
		envNames := map[string]bool{}
		for _, e := range c.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				bad("%s: env %q: %s", where, e.Name, msg)
			}
			if envNames[e.Name] {
				bad("%s: env %q is set twice", where, e.Name)
			}
			envNames[e.Name] = true
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				ref := e.ValueFrom.SecretKeyRef
				if ref.Name == "" || ref.Key == "" {
					bad("%s: env %q: secretKeyRef needs a name and a key", where, e.Name)
				} else if keys, ok := r.secrets[key(ns, ref.Name)]; ok && !keys[ref.Key] && (ref.Optional == nil || !*ref.Optional) {
					bad("%s: env %q: Secret %q has no key %q", where, e.Name, ref.Name, ref.Key)
				}
			}
		}
		for _, m := range c.VolumeMounts {
			if volumes[m.Name] == nil {
				bad("%s: volumeMount %q names no volume of the pod", where, m.Name)
			}
		}
		for res, limit := range c.Resources.Limits {
			if req, ok := c.Resources.Requests[res]; ok && req.Cmp(limit) > 0 {
				bad("%s: %s request %s is above its limit %s", where, res, req.String(), limit.String())
			}
		}
	}
}

func checkItems(where string, keys map[string]bool, items []corev1.KeyToPath, optional *bool, bad reporter) {
	if keys == nil || (optional != nil && *optional) {
		return
	}
	for _, it := range items {
		if !keys[it.Key] {
			bad("%s: key %q is not in its source", where, it.Key)
		}
	}
}

func checkService(s *corev1.Service, ns string, r rendered, bad reporter) {
	if len(s.Spec.Selector) == 0 {
		return // endpoints managed elsewhere
	}
	var pods []*corev1.PodTemplateSpec
	for k, d := range r.deployments {
		if strings.HasPrefix(k, ns+"/") && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
			pods = append(pods, &d.Spec.Template)
		}
	}
	if len(pods) == 0 {
		bad("spec.selector %v selects no Deployment's pods", s.Spec.Selector)
		return
	}
	for _, port := range s.Spec.Ports {
		if port.TargetPort.Type != intstr.String {
			continue
		}
		for _, pod := range pods {
			found := false
			for _, c := range pod.Spec.Containers {
				for _, cp := range c.Ports {
					found = found || cp.Name == port.TargetPort.StrVal
				}
			}
			if !found {
				bad("port %q: targetPort %q is not a container port of the pods it selects", port.Name, port.TargetPort.StrVal)
			}
		}
	}
}

func checkHPA(h *autoscalingv2.HorizontalPodAutoscaler, ns string, r rendered, bad reporter) {
	ref := h.Spec.ScaleTargetRef
	d, ok := r.deployments[key(ns, ref.Name)]
	if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || !ok {
		bad("scaleTargetRef %s %s/%s is not a Deployment of the render", ref.APIVersion, ref.Kind, ref.Name)
	}
	if h.Spec.MinReplicas != nil && (*h.Spec.MinReplicas < 1 || *h.Spec.MinReplicas > h.Spec.MaxReplicas) {
		bad("minReplicas %d must be between 1 and maxReplicas %d", *h.Spec.MinReplicas, h.Spec.MaxReplicas)
	}
	if len(h.Spec.Metrics) == 0 {
		bad("spec.metrics is empty")
	}
	for _, m := range h.Spec.Metrics {
		if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil || d == nil {
			continue
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if _, ok := c.Resources.Requests[m.Resource.Name]; !ok && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType {
				bad("scales on %s utilization but container %q of %s has no %s request", m.Resource.Name, c.Name, ref.Name, m.Resource.Name)
			}
		}
	}
}

func checkPDB(p *policyv1.PodDisruptionBudget, ns string, r rendered, bad reporter) {
	if (p.Spec.MinAvailable == nil) == (p.Spec.MaxUnavailable == nil) {
		bad("set exactly one of minAvailable and maxUnavailable")
	}
	if p.Spec.Selector == nil {
		bad("spec.selector is required")
		return
	}
	for k, d := range r.deployments {
		if !strings.HasPrefix(k, ns+"/") {
			continue
		}
		if ok, _ := selects(p.Spec.Selector, d.Spec.Template.Labels); ok {
			return
		}
	}
	bad("spec.selector selects no Deployment's pods")
}
