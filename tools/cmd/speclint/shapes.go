package main

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Go names that oapi-codegen derives from where a schema sits, which no
// single mapping of the spec shows: the rules of defects.go compare the
// keys of one mapping, these compare across the document.

// typeNames returns the Go type names that the components take in package
// gen (goKey of their name, or of their x-go-name), each with the
// component it comes from.
func typeNames(components *yaml.Node) map[string]string {
	taken := map[string]string{}
	for _, section := range []string{"schemas", "parameters", "responses", "requestBodies", "headers"} {
		forEachPair(mapValue(components, section), func(name string, _, v *yaml.Node) {
			k := goKey(name)
			if given := mapValue(v, "x-go-name"); given != nil {
				k = goKey(given.Value)
			}
			taken[k] = "components." + section + "." + name
		})
	}
	return taken
}

// inlineEnumNames reports an inline enum whose Go type, named by
// oapi-codegen after the path to it (the schema Media's property kind
// gives MediaKind), has the name of a component's type: oapi-codegen
// then stops with a duplicate type name. The repair names the inline
// enum's type with x-go-type-name.
func (d *defects) inlineEnumNames(components *yaml.Node) {
	taken := typeNames(components)
	var walk func(s *yaml.Node, name string, p jsonPath)
	walk = func(s *yaml.Node, name string, p jsonPath) {
		if s == nil || s.Kind != yaml.MappingNode || mapValue(s, "$ref") != nil {
			return
		}
		if enum := mapValue(s, "enum"); enum != nil && mapValue(s, "x-go-type-name") == nil {
			if other, ok := taken[goKey(name)]; ok {
				d.add(Blocking, "go-name", enum, fmt.Sprintf("%s: the inline enum's Go type, %s, has the name of %s's type: declare the enum's own type name with x-go-type-name", p, goIdent(name), other),
					Action{Target: p.String(), Description: fmt.Sprintf("the inline enum's Go type %s has the name of %s's", goIdent(name), other), Update: map[string]any{"x-go-type-name": goIdent(name) + "Value"}})
			}
		}
		forEachPair(mapValue(s, "properties"), func(prop string, _, v *yaml.Node) {
			walk(v, name+"_"+prop, p.key("properties").key(prop))
		})
		walk(mapValue(s, "items"), name, p.key("items"))
		if parts := mapValue(s, "allOf"); parts != nil && parts.Kind == yaml.SequenceNode {
			for i, c := range parts.Content {
				walk(c, name, p.key("allOf").index(i))
			}
		}
	}
	forEachPair(mapValue(components, "schemas"), func(name string, _, s *yaml.Node) {
		forEachPair(mapValue(s, "properties"), func(prop string, _, v *yaml.Node) {
			walk(v, name+"_"+prop, jsonPath{"components", "schemas", name, "properties", prop})
		})
		if parts := mapValue(s, "allOf"); parts != nil && parts.Kind == yaml.SequenceNode {
			for i, c := range parts.Content {
				forEachPair(mapValue(c, "properties"), func(prop string, _, v *yaml.Node) {
					walk(v, name+"_"+prop, jsonPath{"components", "schemas", name, "allOf", "#" + fmt.Sprint(i), "properties", prop})
				})
			}
		}
	})
}

// paramGoNames reports parameters of one operation whose names give the
// same Go field of its Params struct (order_by and order-by, lang in the
// query and Lang in a header): the generated code would not build. The
// repair names the later one's field with x-go-name.
func (d *defects) paramGoNames() {
	type param struct {
		name, in *yaml.Node
		where    jsonPath
	}
	reported := map[string]bool{} // a path item's parameter is seen by each operation
	forEachOperation(d.doc, func(path, method string, item, op *yaml.Node) {
		byKey := map[string]param{}
		forEachParam(d.doc, item, op, path, method, func(node *yaml.Node, where jsonPath) {
			p := param{mapValue(node, "name"), mapValue(node, "in"), where}
			if p.name == nil || p.in == nil || goKey(p.name.Value) == "" {
				return
			}
			k := goKey(p.name.Value)
			if given := mapValue(node, "x-go-name"); given != nil {
				k = goKey(given.Value)
			}
			other, ok := byKey[k]
			if !ok || other.name.Value == p.name.Value && other.in.Value == p.in.Value {
				byKey[k] = p
				return
			}
			fix := p
			if p.where[0] == "components" && other.where[0] != "components" {
				fix = other // a component serves other operations: rename here
			}
			goName := goIdent(fix.name.Value) + "Alt"
			if p.in.Value != other.in.Value {
				goName = goIdent(fix.name.Value) + goIdent(fix.in.Value)
			}
			what := fmt.Sprintf("%s parameter %q and %s parameter %q give the same Go field", other.in.Value, other.name.Value, p.in.Value, p.name.Value)
			if target := fix.where.String(); !reported[target] {
				reported[target] = true
				d.add(Blocking, "go-name", fix.name, fmt.Sprintf("%s %s: %s: declare the Go name of one with x-go-name", strings.ToUpper(method), path, what),
					Action{Target: target, Description: what, Update: map[string]any{"x-go-name": goName}})
			}
		})
	})
}

// forEachOperation calls fn for each operation of the document's paths.
func forEachOperation(doc *yaml.Node, fn func(path, method string, item, op *yaml.Node)) {
	forEachPair(mapValue(doc, "paths"), func(path string, _, item *yaml.Node) {
		for _, m := range httpMethods {
			if op := mapValue(item, m); op != nil {
				fn(path, m, item, op)
			}
		}
	})
}

// forEachParam calls fn for each parameter of an operation, those of its
// path item first, with a $ref resolved: where is the parameter's place,
// the component's for a $ref.
func forEachParam(doc, item, op *yaml.Node, path, method string, fn func(param *yaml.Node, where jsonPath)) {
	for _, list := range []struct {
		node *yaml.Node
		at   jsonPath
	}{
		{mapValue(item, "parameters"), jsonPath{"paths", path, "parameters"}},
		{mapValue(op, "parameters"), jsonPath{"paths", path, method, "parameters"}},
	} {
		if list.node == nil || list.node.Kind != yaml.SequenceNode {
			continue
		}
		for i, c := range list.node.Content {
			where := list.at.index(i)
			if ref := mapValue(c, "$ref"); ref != nil && strings.HasPrefix(ref.Value, "#/") {
				if c, where = resolve(doc, ref.Value); c == nil {
					continue
				}
			}
			fn(c, where)
		}
	}
}
