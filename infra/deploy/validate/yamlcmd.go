package main

// YAML files the other commands do not know (the collector's and Prometheus' configs): parsed (duplicate
// keys refused) and printed as JSON, for the tests to check what they wire together.

import (
	"encoding/json"
	"errors"
	"os"

	"sigs.k8s.io/yaml"
)

type yamlResult struct {
	OK       bool            `json:"ok"`
	Errors   []string        `json:"errors"`
	Document json.RawMessage `json:"document,omitempty"`
}

func (r *yamlResult) failed() bool { return !r.OK }

func runYAML(args []string) (result, error) {
	if len(args) != 1 {
		return nil, errors.New("expects one file")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return nil, err
	}
	res := &yamlResult{Errors: []string{}}
	doc, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	res.Document = doc
	res.OK = true
	return res, nil
}
