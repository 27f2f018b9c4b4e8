package main

// Kubernetes manifests: every document is parsed as YAML without duplicate keys and decoded strictly into the k8s.io/api types (an unknown field, a
// duplicate field or a value of the wrong type fails; so does a kind the scheme does not know), then checked
// for the mistakes that decode fine but break at apply or run time (semantics.go).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type k8sObject struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Name       string          `json:"name"`
	Namespace  string          `json:"namespace,omitempty"`
	Object     json.RawMessage `json:"object"`
	typed      runtime.Object
}

type k8sResult struct {
	OK      bool        `json:"ok"`
	Errors  []string    `json:"errors"`
	Objects []k8sObject `json:"objects"`
}

func (r *k8sResult) failed() bool { return !r.OK }

func (r *k8sResult) errorf(format string, args ...any) {
	r.Errors = append(r.Errors, fmt.Sprintf(format, args...))
}

func newScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme, policyv1.AddToScheme,
		networkingv1.AddToScheme, rbacv1.AddToScheme, batchv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return scheme, nil
}

func runK8s(args []string) (result, error) {
	if len(args) != 1 {
		return nil, errors.New("expects one file (or - for stdin)")
	}
	var in io.Reader = os.Stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	return validateK8s(data)
}

func validateK8s(data []byte) (*k8sResult, error) {
	scheme, err := newScheme()
	if err != nil {
		return nil, err
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	res := &k8sResult{Errors: []string{}, Objects: []k8sObject{}}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for index := 0; ; index++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", index, err)
		}
		asJSON, err := yaml.YAMLToJSONStrict(doc) // a duplicate key fails here (JSON would keep the last)
		if err != nil {
			res.errorf("document %d: not YAML: %v", index, err)
			continue
		}
		if string(bytes.TrimSpace(asJSON)) == "null" {
			continue // only comments (helm's `# Source:` lines) or empty
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(asJSON, &head); err != nil {
			res.errorf("document %d: %v", index, err)
			continue
		}
		what := fmt.Sprintf("%s/%s", head.Kind, head.Metadata.Name)
		obj, _, err := decoder.Decode(asJSON, nil, nil)
		if err != nil {
			// A strict decoding error still decodes the object; the document is rejected all the same.
			res.errorf("%s (document %d): %v", what, index, err)
			continue
		}
		res.Objects = append(res.Objects, k8sObject{
			APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name, Namespace: head.Metadata.Namespace,
			Object: asJSON, typed: obj,
		})
	}
	if len(res.Objects) == 0 && len(res.Errors) == 0 {
		res.errorf("no Kubernetes object found")
	}
	checkSemantics(res)
	res.OK = len(res.Errors) == 0
	return res, nil
}
