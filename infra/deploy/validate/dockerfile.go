package main

// Dockerfiles, with BuildKit's own parser, instruction parser and linter (github.com/moby/buildkit), and the
// build context as BuildKit would send it (the Dockerfile's own `<name>.dockerignore` next to it, else the
// context's `.dockerignore`, matched with github.com/moby/patternmatcher): every COPY/ADD source from the
// context must exist and not be excluded, every COPY --from must name an earlier stage (or an image).

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

type copySource struct {
	Path     string `json:"path"`
	Exists   bool   `json:"exists"`
	Excluded bool   `json:"excluded"`
	// Files under the source that the context sends (after the ignore file).
	Files int `json:"files"`
}

type dockerCommand struct {
	Name    string       `json:"name"`
	Line    int          `json:"line"`
	Source  string       `json:"source"`
	From    string       `json:"from,omitempty"`
	Sources []copySource `json:"sources,omitempty"`
	Dest    string       `json:"dest,omitempty"`
	Args    []string     `json:"args,omitempty"`
}

type dockerStage struct {
	Name string `json:"name"`
	// The FROM image with the global ARGs' defaults substituted.
	Base     string          `json:"base"`
	Commands []dockerCommand `json:"commands"`
}

type dockerResult struct {
	OK           bool            `json:"ok"`
	Errors       []string        `json:"errors"`
	Warnings     []string        `json:"warnings"`
	Dockerignore string          `json:"dockerignore"`
	Stages       []dockerStage   `json:"stages"`
	Probes       map[string]bool `json:"probes"`
}

func (r *dockerResult) failed() bool { return !r.OK }

func runDockerfile(args []string) (result, error) {
	fl := flag.NewFlagSet("dockerfile", flag.ContinueOnError)
	context := fl.String("context", "", "build context directory")
	ignore := fl.String("dockerignore", "", "ignore file (default: <Dockerfile>.dockerignore, else <context>/.dockerignore)")
	probes := fl.String("probe", "", "comma-separated context paths: reports whether the context sends each")
	if len(args) < 1 {
		return nil, errors.New("expects a Dockerfile")
	}
	file := args[0]
	if err := fl.Parse(args[1:]); err != nil {
		return nil, err
	}
	if *context == "" {
		return nil, errors.New("--context is required")
	}
	res := &dockerResult{Errors: []string{}, Warnings: []string{}, Stages: []dockerStage{}, Probes: map[string]bool{}}
	ignorePath := *ignore
	if ignorePath == "" {
		ignorePath = file + ".dockerignore"
		if _, err := os.Stat(ignorePath); err != nil {
			ignorePath = filepath.Join(*context, ".dockerignore")
		}
	}
	var matcher *patternmatcher.PatternMatcher
	if f, err := os.Open(ignorePath); err == nil {
		patterns, err := ignorefile.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ignorePath, err)
		}
		if matcher, err = patternmatcher.New(patterns); err != nil {
			return nil, fmt.Errorf("%s: %w", ignorePath, err)
		}
		res.Dockerignore = ignorePath
	}
	excluded := func(rel string) bool {
		if matcher == nil {
			return false
		}
		m, err := matcher.MatchesOrParentMatches(filepath.ToSlash(rel))
		return err == nil && m
	}

	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	parsed, err := parser.Parse(f)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	for _, w := range parsed.Warnings {
		res.Warnings = append(res.Warnings, w.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: %s: %s", line, rule, msg))
	}})
	stages, metaArgs, err := instructions.Parse(parsed.AST, lint)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res, nil
	}
	var defaults []string
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				defaults = append(defaults, "${"+kv.Key+"}", *kv.Value, "$"+kv.Key, *kv.Value)
			}
		}
	}
	expandArgs := strings.NewReplacer(defaults...)
	seen := map[string]bool{}
	for i, st := range stages {
		out := dockerStage{Name: st.Name, Base: expandArgs.Replace(st.BaseName), Commands: []dockerCommand{}}
		for _, cmd := range st.Commands {
			line := 0
			if loc := cmd.Location(); len(loc) > 0 {
				line = loc[0].Start.Line
			}
			dc := dockerCommand{Name: cmd.Name(), Line: line, Source: fmt.Sprint(cmd)}
			var sources []string
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				dc.From, dc.Dest, sources = c.From, c.DestPath, c.SourcePaths
			case *instructions.AddCommand:
				dc.Dest, sources = c.DestPath, c.SourcePaths
			case *instructions.RunCommand:
				dc.Args = c.CmdLine
			case *instructions.CmdCommand:
				dc.Args = c.CmdLine
			case *instructions.EntrypointCommand:
				dc.Args = c.CmdLine
			case *instructions.UserCommand:
				dc.Args = []string{c.User}
			case *instructions.ExposeCommand:
				dc.Args = c.Ports
			case *instructions.StopSignalCommand:
				dc.Args = []string{c.Signal}
			case *instructions.HealthCheckCommand:
				if c.Health != nil {
					dc.Args = c.Health.Test
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					dc.Args = append(dc.Args, kv.Key+"="+kv.Value)
				}
			}
			if dc.From != "" {
				if !seen[dc.From] && !strings.ContainsAny(dc.From, ":/") {
					res.Errors = append(res.Errors, fmt.Sprintf("line %d: COPY --from=%s names no earlier stage", line, dc.From))
				}
			} else {
				for _, src := range sources {
					cs := checkSource(*context, src, excluded, matcher == nil || !matcher.Exclusions())
					if !cs.Exists {
						res.Errors = append(res.Errors, fmt.Sprintf("line %d: %s source %q does not exist in the context %s", line, dc.Name, src, *context))
					} else if cs.Excluded || cs.Files == 0 {
						res.Errors = append(res.Errors, fmt.Sprintf("line %d: %s source %q is excluded by %s", line, dc.Name, src, ignorePath))
					}
					dc.Sources = append(dc.Sources, cs)
				}
			}
			out.Commands = append(out.Commands, dc)
		}
		seen[st.Name] = true
		seen[fmt.Sprint(i)] = true
		res.Stages = append(res.Stages, out)
	}
	for _, p := range strings.Split(*probes, ",") {
		if p = strings.TrimSpace(p); p != "" {
			res.Probes[p] = !excluded(p)
		}
	}
	res.OK = len(res.Errors) == 0 && len(res.Warnings) == 0
	return res, nil
}

// checkSource: whether src exists in the context, is excluded, and how many files under it the context sends.
// canSkip: no `!` re-include pattern, so an excluded directory is skipped whole (keeps the walk off node_modules).
func checkSource(context, src string, excluded func(string) bool, canSkip bool) copySource {
	cs := copySource{Path: src}
	rel := filepath.Clean(strings.TrimPrefix(src, "/"))
	matches := []string{filepath.Join(context, rel)}
	if strings.ContainsAny(rel, "*?[") {
		matches, _ = filepath.Glob(filepath.Join(context, rel))
	}
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil {
			continue
		}
		cs.Exists = true
		r, _ := filepath.Rel(context, m)
		if r != "." && excluded(r) {
			cs.Excluded = true
			continue
		}
		if !info.IsDir() {
			cs.Files++
			continue
		}
		_ = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			pr, _ := filepath.Rel(context, p)
			if pr != "." && excluded(pr) {
				if d.IsDir() && canSkip {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				cs.Files++
			}
			return nil
		})
	}
	return cs
}
