// Command ogenpeer generates package ogenapi, the peer client of the
// benchmarks, from the part of the bundled spec that they measure: the
// operations under the paths given by -prefix and the components those
// reach. ogen reads the whole document it is given and gives up on
// constructs that every other consumer of the spec takes (a numeric
// exclusiveMinimum of OpenAPI 3.1, a repeated enum value in Partoo's
// bundle): a benchmark peer must not stop `go generate` over an operation
// it does not measure.
//
// The part is written to a temporary JSON file, with each numeric
// exclusiveMinimum and exclusiveMaximum in its OpenAPI 3.0 form (a bound
// and a boolean, which means the same and which ogen reads), and ogen runs
// on it with the arguments that follow the flags:
//
//	go run ../internal/ogenpeer -spec ../../api/openapi-bundled.yaml -prefix /webhooks -- -package ogenapi -target . -clean
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ogenpeer:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("ogenpeer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "the bundled OpenAPI document")
	prefix := fs.String("prefix", "", "keep the paths that start with it (a path's first segments, such as /webhooks)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*specPath)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	part, err := peerPart(doc, *prefix)
	if err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	body, err := json.MarshalIndent(part, "", "  ")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ogenpeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(input, body, 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", append(append([]string{"tool", "ogen", "-loglevel", "error"}, fs.Args()...), input)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go tool ogen on the paths under %q of %s: %w", *prefix, *specPath, err)
	}
	return nil
}

// peerPart returns doc with only the paths under prefix, no webhooks
// section, and only the components that those paths reach through $ref
// (the security schemes, named rather than referenced, all stay).
func peerPart(doc map[string]any, prefix string) (map[string]any, error) {
	paths, _ := doc["paths"].(map[string]any)
	kept := map[string]any{}
	for path, item := range paths {
		if path == prefix || strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")+"/") {
			kept[path] = item
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("no path is %q or under it", prefix)
	}
	components, _ := doc["components"].(map[string]any)
	reached := map[string]any{}
	if schemes, ok := components["securitySchemes"]; ok {
		reached["securitySchemes"] = schemes
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch v := v.(type) {
		case map[string]any:
			threeZero(v)
			if ref, ok := v["$ref"].(string); ok {
				section, name, found := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
				if !found || !strings.HasPrefix(ref, "#/components/") {
					return fmt.Errorf("$ref %q: only references to components are followed", ref)
				}
				got, _ := reached[section].(map[string]any)
				if _, done := got[name]; !done {
					sectionMap, _ := components[section].(map[string]any)
					target, ok := sectionMap[name]
					if !ok {
						return fmt.Errorf("$ref %q resolves to nothing", ref)
					}
					if got == nil {
						got = map[string]any{}
						reached[section] = got
					}
					got[name] = target
					if err := walk(target); err != nil {
						return err
					}
				}
			}
			for _, e := range v {
				if err := walk(e); err != nil {
					return err
				}
			}
		case []any:
			for _, e := range v {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(kept); err != nil {
		return nil, err
	}
	part := map[string]any{"paths": kept, "components": reached}
	for k, v := range doc {
		if k != "paths" && k != "components" && k != "webhooks" {
			part[k] = v
		}
	}
	return part, nil
}

// threeZero rewrites a schema's numeric exclusiveMinimum and
// exclusiveMaximum (OpenAPI 3.1) in the 3.0 form, a bound and true.
func threeZero(schema map[string]any) {
	for _, k := range []string{"Minimum", "Maximum"} {
		switch b := schema["exclusive"+k].(type) {
		case int, float64:
			schema[strings.ToLower(k)], schema["exclusive"+k] = b, true
		}
	}
}
