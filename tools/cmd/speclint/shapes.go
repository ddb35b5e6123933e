package main

import (
	"fmt"

	"github.com/partoo-go/partoo/tools/internal/goname"
	"gopkg.in/yaml.v3"
)

// Go names that oapi-codegen derives from where a schema sits, which no
// single mapping of the spec shows: the rules of defects.go compare the
// keys of one mapping, these compare across the document.

// inlineEnumName reports an inline enum s (at p, in a component schema)
// whose Go type, which oapi-codegen names goType after the path to it (the
// schema Media's property kind gives Media_kind, MediaKind), has the name
// of a component's type: oapi-codegen then stops with a duplicate type
// name. The repair names the inline enum's type with x-go-type-name.
func (d *defects) inlineEnumName(s *yaml.Node, p jsonPath, goType string) {
	if enum := mapValue(s, "enum"); enum != nil && mapValue(s, "x-go-type-name") == nil {
		if other, ok := d.taken[goname.Key(goType)]; ok {
			d.add(Blocking, "go-name", enum, fmt.Sprintf("%s: the inline enum's Go type, %s, has the name of %s's type: declare the enum's own type name with x-go-type-name", p, goname.Of(goType), other),
				Action{Target: p.String(), Description: fmt.Sprintf("the inline enum's Go type %s has the name of %s's", goname.Of(goType), other), Update: map[string]any{"x-go-type-name": goname.Of(goType) + "Value"}})
		}
	}
}

// paramGoNames reports parameters of one operation whose names give the
// same Go field of its Params struct (order_by and order-by, lang in the
// query and Lang in a header): the generated code would not build. The
// repair names the later one's field with x-go-name.
func (d *defects) paramGoNames(op operation, params []param) {
	byKey := map[string]param{}
	for _, p := range params {
		k := goname.Key(p.name)
		if given := mapValue(p.node, "x-go-name"); given != nil {
			k = goname.Key(given.Value)
		}
		other, ok := byKey[k]
		if p.in == "" || goname.Key(p.name) == "" {
			continue
		}
		if !ok || other.name == p.name && other.in == p.in {
			byKey[k] = p
			continue
		}
		fix := p
		if p.where[0] == "components" && other.where[0] != "components" {
			fix = other // a component serves other operations: rename here
		}
		goName := goname.Of(fix.name) + "Alt"
		if p.in != other.in {
			goName = goname.Of(fix.name) + goname.Of(fix.in)
		}
		what := fmt.Sprintf("%s parameter %q and %s parameter %q give the same Go field", other.in, other.name, p.in, p.name)
		if target := fix.where.String(); !d.reported[target] {
			d.reported[target] = true
			d.add(Blocking, "go-name", mapValue(fix.node, "name"), fmt.Sprintf("%s: %s: declare the Go name of one with x-go-name", op.name, what),
				Action{Target: target, Description: what, Update: map[string]any{"x-go-name": goName}})
		}
	}
}
