package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/tools/internal/specload"
)

// goAPI is what oapi-codegen generates in package gen, as its codegen
// package defines it: the builders and types of each operation.
type goAPI struct {
	defs       []codegen.OperationDefinition
	components map[string]*openapi3.SchemaRef // Go type name → component schema
}

// loadGoAPI runs codegen on the spec with the configuration at configPath.
// codegen keeps its options in package state: it must not run concurrently.
func loadGoAPI(specPath, configPath string) (*goAPI, error) {
	raw, err := os.ReadFile(configPath)
	if err != nil {
		return nil, err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", configPath, err)
	}
	doc, err := specload.Load(specPath) // codegen's own copy: it may prune what it reads
	if err != nil {
		return nil, err
	}
	if _, err := codegen.Generate(doc, cfg.UpdateDefaults()); err != nil {
		return nil, fmt.Errorf("oapi-codegen: %w", err)
	}
	defs, err := codegen.OperationDefinitions(doc)
	if err != nil {
		return nil, fmt.Errorf("oapi-codegen: %w", err)
	}
	g := &goAPI{defs: defs, components: map[string]*openapi3.SchemaRef{}}
	for name, ref := range doc.Components.Schemas {
		g.components[codegen.SchemaNameToTypeName(name)] = ref
	}
	return g, nil
}

// jsonBody returns the JSON request body of d and its qualified type, or nil.
func jsonBody(d codegen.OperationDefinition) (*codegen.Schema, string) {
	for _, b := range d.Bodies {
		if b.IsJSON() && b.IsSupportedByClient() {
			td := b.TypeDef(d.OperationId)
			// A component's alias takes the component's name; an inline
			// body's <Op>JSONRequestBody stays.
			if td.Schema.RefType != "" && td.Schema.RefType != d.OperationId+"JSONBody" {
				return &td.Schema, qualify(td.Schema.RefType)
			}
			return &td.Schema, qualify(td.TypeName)
		}
	}
	return nil, ""
}

// answer returns the schema of d's JSON answer with the given status.
func answer(d codegen.OperationDefinition, status int) (s codegen.Schema, ok bool, err error) {
	rts, err := d.GetResponseTypeDefinitions()
	for _, r := range rts {
		if r.ResponseName == strconv.Itoa(status) && strings.HasPrefix(r.TypeName, "JSON") {
			s, ok = r.Schema, true
		}
	}
	return s, ok, err
}

// paramType is the type of a path parameter: a predeclared Go type as it
// is, else oapi-codegen's type.
func paramType(p codegen.ParameterDefinition) string {
	if p.Spec != nil && p.Spec.Schema != nil {
		if s, err := codegen.GenerateGoSchema(p.Spec.Schema, nil); err == nil && len(s.EnumValues) == 0 && codegen.IsPredeclaredGoIdentifier(s.TypeDecl()) {
			return s.TypeDecl()
		}
	}
	return qualify(p.TypeDef())
}

// qualify writes a type of package gen as seen from another package. A type
// that is no Go expression is left for gofmt to report.
func qualify(t string) string {
	e, err := parser.ParseExpr(t)
	if err != nil {
		return t
	}
	var walk func(ast.Node) bool
	walk = func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr: // qualified already: time.Time
			return false
		case *ast.Field: // of an inline struct: its type only, without comments
			x.Doc, x.Comment = nil, nil
			ast.Inspect(x.Type, walk)
			return false
		case *ast.Ident:
			if ast.IsExported(x.Name) {
				x.Name = "gen." + x.Name
			}
		}
		return true
	}
	ast.Inspect(e, walk)
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), e) // a strings.Builder takes every write
	return b.String()
}

// deref returns the definition of the component a schema refers to.
func (g *goAPI) deref(s codegen.Schema) codegen.Schema {
	for range 8 { // a component may be an alias of another
		ref, ok := g.components[s.TypeDecl()]
		d, err := codegen.GenerateGoSchema(ref, []string{s.TypeDecl()})
		if !ok || err != nil {
			break
		}
		s = d
	}
	return s
}

// property returns the property of an object schema by its JSON name.
func (g *goAPI) property(s codegen.Schema, name string) (codegen.Property, bool) {
	props := g.deref(s).Properties
	if i := slices.IndexFunc(props, func(p codegen.Property) bool { return p.JsonFieldName == name }); i >= 0 {
		return props[i], true
	}
	return codegen.Property{}, false
}

// elem returns the element schema of an array schema.
func (g *goAPI) elem(s codegen.Schema) (codegen.Schema, bool) {
	if a := g.deref(s).ArrayType; a != nil {
		return *a, true
	}
	return codegen.Schema{}, false
}
