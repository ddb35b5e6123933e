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

// goAPI is what oapi-codegen generates in package gen for each operation,
// as its own codegen package defines it: run with the project's
// configuration on the spec, it gives the request builders, the parameter,
// body and answer types by name, so that the services use oapi-codegen's
// names and types exactly without reading its Go output back.
type goAPI struct {
	defs       []codegen.OperationDefinition  // the operations, webhooks and callbacks of the spec
	components map[string]*openapi3.SchemaRef // Go type name → component schema
}

// loadGoAPI runs oapi-codegen's codegen package on the spec with the
// configuration at configPath (oapi-codegen.yaml). codegen keeps its
// options in package state, so loadGoAPI must not run concurrently.
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

// jsonBody returns the JSON request body of d and its type in package gen,
// qualified, or nil.
func jsonBody(d codegen.OperationDefinition) (*codegen.Schema, string) {
	for _, b := range d.Bodies {
		if b.IsJSON() && b.IsSupportedByClient() {
			td := b.TypeDef(d.OperationId)
			// A body that refers to a component is an alias of it, whose
			// name reads better; an inline body's <Op>JSONRequestBody is
			// a type of its own, defined on <Op>JSONBody, and stays.
			if td.Schema.RefType != "" && td.Schema.RefType != d.OperationId+"JSONBody" {
				return &td.Schema, qualify(td.Schema.RefType)
			}
			return &td.Schema, qualify(td.TypeName)
		}
	}
	return nil, ""
}

// answer returns the schema of d's JSON answer with the given status, if
// it has one.
func answer(d codegen.OperationDefinition, status int) (s codegen.Schema, ok bool, err error) {
	rts, err := d.GetResponseTypeDefinitions()
	for _, r := range rts {
		if r.ResponseName == strconv.Itoa(status) && strings.HasPrefix(r.TypeName, "JSON") {
			s, ok = r.Schema, true
		}
	}
	return s, ok, err
}

// paramType is the type of a path parameter: the Go type of its schema when
// that is a predeclared type (oapi-codegen's parameter type is then an
// alias of it), else oapi-codegen's type.
func paramType(p codegen.ParameterDefinition) string {
	if p.Spec != nil && p.Spec.Schema != nil {
		if s, err := codegen.GenerateGoSchema(p.Spec.Schema, nil); err == nil && len(s.EnumValues) == 0 && codegen.IsPredeclaredGoIdentifier(s.TypeDecl()) {
			return s.TypeDecl()
		}
	}
	return qualify(p.TypeDef())
}

// qualify writes a type of package gen as seen from another package. A
// type that is no Go expression is left as it is: formatting the output
// then reports it.
func qualify(t string) string {
	e, err := parser.ParseExpr(t)
	if err != nil {
		return t
	}
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), qualifyExpr(e)) // a strings.Builder takes every write
	return b.String()
}

// qualifyExpr qualifies the exported type names of a type expression with
// gen. It walks the expression as Go does, so that a field name of an
// inline struct, or a doc comment on it, is never taken for a type.
func qualifyExpr(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.Ident:
		if ast.IsExported(x.Name) {
			return &ast.SelectorExpr{X: ast.NewIdent("gen"), Sel: x}
		}
	case *ast.StarExpr:
		x.X = qualifyExpr(x.X)
	case *ast.ArrayType:
		x.Elt = qualifyExpr(x.Elt)
	case *ast.MapType:
		x.Key, x.Value = qualifyExpr(x.Key), qualifyExpr(x.Value)
	case *ast.IndexExpr:
		x.Index = qualifyExpr(x.Index)
	case *ast.IndexListExpr:
		for i := range x.Indices {
			x.Indices[i] = qualifyExpr(x.Indices[i])
		}
	case *ast.StructType:
		for _, f := range x.Fields.List {
			f.Type = qualifyExpr(f.Type)
			f.Doc, f.Comment = nil, nil
		}
	}
	return e
}

// deref returns the schema that a schema stands for: a component's
// definition, with its properties and element type, for a reference to it.
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

func (g *goAPI) isStruct(s codegen.Schema) bool {
	return strings.HasPrefix(g.deref(s).GoType, "struct")
}

// structDecl writes an inline object schema as a Go struct type of
// another package: oapi-codegen's own, qualified.
func structDecl(s codegen.Schema) string {
	return qualify(codegen.GenStructFromSchema(s))
}
