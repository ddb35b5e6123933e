// Command ogenpeer generates package ogenapi, the peer client of the
// benchmarks, from the part of the bundled spec that they measure: the
// operations under the path given by -prefix and the components those
// reach. ogen reads the whole document it is given and gives up on
// constructs that every other consumer of the spec takes (a numeric
// exclusiveMinimum of OpenAPI 3.1, a repeated enum value in Partoo's
// bundle): a benchmark peer must not stop `go generate` over an operation
// it does not measure.
//
// A spec without a path under -prefix gives a peer without operations,
// saying so: the generation of everything else goes on, and the
// benchmarks, which call the operations, fail at the build that follows.
//
// The part keeps the spec's order and is written to a temporary file, with
// each numeric exclusiveMinimum and exclusiveMaximum in its OpenAPI 3.0
// form (a bound and a boolean, which ogen reads), and ogen runs on it with
// the arguments that follow the flags:
//
//	go run ../internal/ogenpeer -spec ../../api/openapi-bundled.yaml -prefix /webhooks -- -package ogenapi -target . -clean
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	prefix := fs.String("prefix", "", "keep this path and the paths under it, such as /webhooks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	*prefix = strings.TrimSuffix(*prefix, "/")
	if *specPath == "" || !strings.HasPrefix(*prefix, "/") {
		return fmt.Errorf("-spec %q and -prefix %q: want a file, and a path below the root such as /webhooks", *specPath, *prefix)
	}
	raw, err := os.ReadFile(*specPath)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	if err := peerPart(&doc, *prefix); errors.Is(err, errNoPath) {
		// A bundle without the measured operations (Partoo's 2021
		// reference has no Webhooks) must not stop the generation of
		// everything else: the peer gets no operation, and the
		// benchmarks, which call them, fail at the build that follows.
		fmt.Fprintf(stderr, "ogenpeer: %s: %v; the peer is generated without operations\n", *specPath, err)
	} else if err != nil {
		return fmt.Errorf("%s: %w", *specPath, err)
	}
	body, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ogenpeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "openapi.yaml")
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

// errNoPath says that the spec has no path to keep.
var errNoPath = errors.New("no path")

// peerPart leaves in doc only the paths under prefix, no webhooks section,
// and of the components only those the paths reach through $ref or a
// discriminator's mapping (the security schemes, named rather than
// referenced, all stay). When no path is under prefix, doc is left so,
// with no path, and the error wraps errNoPath.
func peerPart(doc *yaml.Node, prefix string) error {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return errors.New("not a YAML mapping")
	}
	root, prefix := doc.Content[0], strings.TrimSuffix(prefix, "/")
	paths := value(root, "paths")
	if paths == nil {
		paths = &yaml.Node{Kind: yaml.MappingNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "paths"}, paths)
	}
	keep(paths, func(path string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") })
	var none error
	if len(paths.Content) == 0 {
		none = fmt.Errorf("%w is %q or under it", errNoPath, prefix)
	}
	keep(root, func(key string) bool { return key != "webhooks" })
	components := value(root, "components")
	reached := map[string]bool{}
	var walk func(n *yaml.Node, where string, names bool) error
	follow := func(ref, where string) error {
		if !strings.Contains(ref, "/") {
			ref = "#/components/schemas/" + ref // a discriminator's mapping may name a schema
		}
		section, name, ok := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
		if !ok || !strings.HasPrefix(ref, "#/components/") || strings.Contains(name, "/") {
			return fmt.Errorf("%s: $ref %q: only references to components are followed", where, ref)
		}
		name = strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
		if reached[section+"/"+name] {
			return nil
		}
		target := value(value(components, section), name)
		if target == nil {
			return fmt.Errorf("%s: $ref %q resolves to nothing", where, ref)
		}
		reached[section+"/"+name] = true
		return walk(target, ref, false)
	}
	// walk follows the references under n, an OpenAPI object, or with
	// names a map of them by name (paths, properties, responses...), whose
	// keys are never keywords.
	walk = func(n *yaml.Node, where string, names bool) error {
		switch n.Kind {
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if err := walk(c, where+"/"+strconv.Itoa(i), false); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			if !names {
				threeZero(n)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key, v := n.Content[i].Value, n.Content[i+1]
				var err error
				switch {
				case names:
					err = walk(v, where+"/"+key, false)
				case key == "example" || key == "default" || key == "enum" || key == "const" || key == "examples" && v.Kind != yaml.MappingNode:
					// Values, not objects: a schema's examples is a list.
				case key == "$ref":
					err = follow(v.Value, where)
				case key == "mapping":
					for j := 1; j < len(v.Content) && err == nil; j += 2 {
						err = follow(v.Content[j].Value, where+"/mapping")
					}
				default:
					// A media type's examples, like a schema's properties,
					// maps names to objects.
					err = walk(v, where+"/"+key, byName(key))
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(paths, "#/paths", true); err != nil {
		return err
	}
	if components != nil {
		empty := map[string]bool{}
		for i := 1; i < len(components.Content); i += 2 {
			section := components.Content[i-1].Value
			if section != "securitySchemes" {
				keep(components.Content[i], func(name string) bool { return reached[section+"/"+name] })
				empty[section] = len(components.Content[i].Content) == 0
			}
		}
		keep(components, func(section string) bool { return !empty[section] })
	}
	return none
}

// byName reports whether the value of the keyword key maps names to
// objects.
func byName(key string) bool {
	switch key {
	case "paths", "properties", "patternProperties", "responses", "content", "headers", "examples", "encoding", "links", "callbacks":
		return true
	}
	return false
}

// value returns the value of key in the mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keep removes from the mapping m the keys for which want is false.
func keep(m *yaml.Node, want func(key string) bool) {
	kept := m.Content[:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if want(m.Content[i].Value) {
			kept = append(kept, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = kept
}

// threeZero rewrites the schema s's numeric exclusiveMinimum and
// exclusiveMaximum (OpenAPI 3.1) in the 3.0 form, a bound and true, or
// drops it when s's minimum or maximum is as strict already.
func threeZero(s *yaml.Node) {
	for _, k := range []struct {
		bound, exclusive string
		stricter         func(a, b float64) bool // a is a stricter bound than b
	}{
		{"minimum", "exclusiveMinimum", func(a, b float64) bool { return a > b }},
		{"maximum", "exclusiveMaximum", func(a, b float64) bool { return a < b }},
	} {
		excl := value(s, k.exclusive)
		if excl == nil || excl.Kind != yaml.ScalarNode || (excl.Tag != "!!int" && excl.Tag != "!!float") {
			continue
		}
		bound := value(s, k.bound)
		if bound == nil {
			bound = &yaml.Node{Kind: yaml.ScalarNode}
			s.Content = append(s.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.bound}, bound)
		} else if b, errB := strconv.ParseFloat(bound.Value, 64); errB == nil {
			if x, errX := strconv.ParseFloat(excl.Value, 64); errX == nil && k.stricter(b, x) {
				// The inclusive bound is the stricter: the exclusive one
				// says nothing more.
				keep(s, func(key string) bool { return key != k.exclusive })
				continue
			}
		}
		bound.Value, bound.Tag = excl.Value, excl.Tag
		excl.Value, excl.Tag = "true", "!!bool"
	}
}
