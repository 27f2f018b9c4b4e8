// Command deploy-validate checks the hub's deploy files (infra/deploy) without a container engine or a cluster:
//
//	deploy-validate k8s FILE|-                       Kubernetes manifests (e.g. `helm template` output)
//	deploy-validate compose FILE [--env K=V]...      a Compose file, against the compose-spec schema
//	deploy-validate dockerfile FILE --context DIR    a Dockerfile: parsed, linted, every COPY source checked
//	deploy-validate yaml FILE                        any YAML file, as JSON (duplicate keys refused)
//
// Each prints one JSON document on stdout ({"ok", "errors", ...what it found}) and exits 1 when it found errors,
// 2 on a usage error. `npm run provision` builds it (infra/dev/src/provision/deploy-tools.ts) and
// infra/deploy/test runs it.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type result interface{ failed() bool }

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var res result
	var err error
	switch os.Args[1] {
	case "k8s":
		res, err = runK8s(os.Args[2:])
	case "compose":
		res, err = runCompose(os.Args[2:])
	case "dockerfile":
		res, err = runDockerfile(os.Args[2:])
	case "yaml":
		res, err = runYAML(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "deploy-validate %s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintf(os.Stderr, "deploy-validate: %v\n", err)
		os.Exit(2)
	}
	if res.failed() {
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  deploy-validate k8s FILE|-
  deploy-validate compose FILE [--env KEY=VALUE]...
  deploy-validate dockerfile FILE --context DIR [--dockerignore FILE] [--probe PATH,...]
  deploy-validate yaml FILE
`)
	os.Exit(2)
}
