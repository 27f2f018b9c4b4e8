package main

// A Compose file, loaded the way `docker compose` loads it (github.com/compose-spec/compose-go/v2: the
// compose-spec JSON schema it embeds, interpolation, normalization, consistency of references), with a fixed
// environment instead of the machine's (no .env, no OS variables: only the --env given), then checked for the
// host paths it needs: build contexts, Dockerfiles, bind-mounted and config files must exist.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

type composeResult struct {
	OK      bool            `json:"ok"`
	Errors  []string        `json:"errors"`
	Project json.RawMessage `json:"project,omitempty"`
}

func (r *composeResult) failed() bool { return !r.OK }

// envFlags: a repeatable string flag.
type envFlags []string

func (e *envFlags) String() string     { return fmt.Sprint(*e) }
func (e *envFlags) Set(v string) error { *e = append(*e, v); return nil }

func runCompose(args []string) (result, error) {
	fl := flag.NewFlagSet("compose", flag.ContinueOnError)
	var env, profiles envFlags
	fl.Var(&env, "env", "KEY=VALUE of the environment the file is interpolated with (repeatable)")
	fl.Var(&profiles, "profile", "a profile to enable (repeatable)")
	if len(args) < 1 {
		return nil, errors.New("expects a compose file")
	}
	file := args[0]
	if err := fl.Parse(args[1:]); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	res := &composeResult{Errors: []string{}}
	opts, err := cli.NewProjectOptions([]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithEnv(env),
		cli.WithProfiles(profiles),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	exists := func(what, path string, dir bool) {
		info, err := os.Stat(path)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: %s does not exist", what, path))
		} else if info.IsDir() != dir {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: %s is not a %s", what, path, map[bool]string{true: "directory", false: "file"}[dir]))
		}
	}
	for name, svc := range project.Services {
		if svc.Build != nil {
			exists("services."+name+".build.context", svc.Build.Context, true)
			if svc.Build.Dockerfile != "" && svc.Build.DockerfileInline == "" {
				df := svc.Build.Dockerfile
				if !filepath.IsAbs(df) {
					df = filepath.Join(svc.Build.Context, df)
				}
				exists("services."+name+".build.dockerfile", df, false)
			}
		}
		if svc.Image == "" && svc.Build == nil {
			res.Errors = append(res.Errors, fmt.Sprintf("services.%s: neither image nor build", name))
		}
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					res.Errors = append(res.Errors, fmt.Sprintf("services.%s.volumes: bind source %s does not exist", name, v.Source))
				}
			}
		}
	}
	for name, c := range project.Configs {
		if c.File != "" {
			exists("configs."+name+".file", c.File, false)
		}
	}
	if raw, err := project.MarshalJSON(); err == nil {
		res.Project = raw
	} else {
		res.Errors = append(res.Errors, err.Error())
	}
	res.OK = len(res.Errors) == 0
	return res, nil
}
