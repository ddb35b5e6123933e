package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// goAPI is what oapi-codegen generated in package gen, read from its
// source: the request builder and the response type of every operation,
// found by method and path template. The services are written against
// these, so they use oapi-codegen's names and types exactly.
type goAPI struct {
	types   map[string]ast.Expr // type name → its definition
	aliases map[string]bool     // type names declared as aliases
	ops     map[string]*goOp    // "METHOD /path/{template}" → operation
}

// goOp is one operation of the generated client.
type goOp struct {
	Name       string    // oapi-codegen's name of the operation, e.g. GetWebhook
	Builder    string    // New<Name>Request
	PathParams []goParam // in order
	Params     string    // type of the params struct (pointer elided), or ""
	Body       string    // type of the JSON body, or ""
	Responses  map[int]ast.Expr
}

type goParam struct {
	Name string
	Type ast.Expr
}

// pathPlaceholder matches the %s of a generated path format.
var pathPlaceholder = regexp.MustCompile(`\{[^}]+\}`)

func loadGoAPI(path string) (*goAPI, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("read the generated client %s: %w", path, err)
	}
	g := &goAPI{types: map[string]ast.Expr{}, aliases: map[string]bool{}, ops: map[string]*goOp{}}
	builders := map[string]*ast.FuncDecl{}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok {
					g.types[ts.Name.Name] = ts.Type
					if ts.Assign.IsValid() {
						g.aliases[ts.Name.Name] = true
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil && strings.HasPrefix(d.Name.Name, "New") && (strings.HasSuffix(d.Name.Name, "Request") || strings.HasSuffix(d.Name.Name, "RequestWithBody")) {
				builders[d.Name.Name] = d
			}
		}
	}
	for name, fn := range builders {
		if !strings.HasSuffix(name, "Request") {
			continue
		}
		opName := strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Request")
		// The method and path live in the builder that sends the request:
		// New<Op>RequestWithBody for operations with a body.
		sender := fn
		if wb, ok := builders[name+"WithBody"]; ok {
			sender = wb
		}
		method, format := requestShape(sender)
		if method == "" || format == "" {
			continue // a webhook sender or another builder shape
		}
		op := &goOp{Name: opName, Builder: name, Responses: map[int]ast.Expr{}}
		for i, field := range fn.Type.Params.List {
			if i == 0 {
				continue // server
			}
			for _, id := range field.Names {
				switch {
				case id.Name == "params":
					op.Params = typeName(field.Type)
				case id.Name == "body":
					op.Body = typeName(field.Type)
				default:
					op.PathParams = append(op.PathParams, goParam{Name: id.Name, Type: field.Type})
				}
			}
		}
		if resp, ok := g.types[opName+"Response"].(*ast.StructType); ok {
			for _, field := range resp.Fields.List {
				for _, id := range field.Names {
					if code, ok := strings.CutPrefix(id.Name, "JSON"); ok {
						if status, err := strconv.Atoi(code); err == nil {
							op.Responses[status] = field.Type
						}
					}
				}
			}
		}
		g.ops[method+" "+format] = op
	}
	return g, nil
}

// requestShape returns the HTTP method and the path format of a request
// builder: the arguments of its http.NewRequest and fmt.Sprintf calls.
func requestShape(fn *ast.FuncDecl) (method, format string) {
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, _ := sel.X.(*ast.Ident)
		switch {
		case pkg != nil && pkg.Name == "http" && sel.Sel.Name == "NewRequest" && len(call.Args) > 0:
			switch a := call.Args[0].(type) {
			case *ast.SelectorExpr:
				method = strings.ToUpper(strings.TrimPrefix(a.Sel.Name, "Method"))
			case *ast.BasicLit:
				method, _ = strconv.Unquote(a.Value)
			}
		case pkg != nil && pkg.Name == "fmt" && sel.Sel.Name == "Sprintf" && len(call.Args) > 0 && format == "":
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				format, _ = strconv.Unquote(lit.Value)
			}
		}
		return true
	})
	return method, format
}

// op returns the generated operation of method and path template.
func (g *goAPI) op(method, path string) (*goOp, bool) {
	op, ok := g.ops[method+" "+pathPlaceholder.ReplaceAllString(path, "%s")]
	return op, ok
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return typeName(t.X)
	}
	return ""
}

// resolve follows aliases to the type a name stands for, for readable
// signatures: WebhookJSONRequestBody is CreateWebhooksPayload, WebhookID
// is int.
func (g *goAPI) resolve(e ast.Expr) ast.Expr {
	for i := 0; i < 16; i++ {
		id, ok := e.(*ast.Ident)
		if !ok || !g.aliases[id.Name] {
			return e
		}
		e = g.types[id.Name]
	}
	return e
}

// expr prints a type of package gen as seen from another package: every
// type name gen declares is qualified with "gen.".
func (g *goAPI) expr(e ast.Expr) string {
	e = g.resolve(e)
	q := qualify(e, func(name string) bool { _, ok := g.types[name]; return ok })
	var b bytes.Buffer
	if err := printer.Fprint(&b, token.NewFileSet(), q); err != nil {
		return "any"
	}
	return b.String()
}

// qualify returns a copy of the type expression e with the identifiers
// declared in gen qualified.
func qualify(e ast.Expr, declared func(string) bool) ast.Expr {
	switch t := e.(type) {
	case *ast.Ident:
		if declared(t.Name) {
			return &ast.SelectorExpr{X: ast.NewIdent("gen"), Sel: ast.NewIdent(t.Name)}
		}
		return ast.NewIdent(t.Name)
	case *ast.StarExpr:
		return &ast.StarExpr{X: qualify(t.X, declared)}
	case *ast.ArrayType:
		return &ast.ArrayType{Len: t.Len, Elt: qualify(t.Elt, declared)}
	case *ast.MapType:
		return &ast.MapType{Key: qualify(t.Key, declared), Value: qualify(t.Value, declared)}
	case *ast.IndexExpr:
		return &ast.IndexExpr{X: qualify(t.X, declared), Index: qualify(t.Index, declared)}
	case *ast.SelectorExpr:
		return t
	case *ast.InterfaceType:
		return t
	case *ast.StructType:
		fields := &ast.FieldList{}
		for _, f := range t.Fields.List {
			fields.List = append(fields.List, &ast.Field{Names: f.Names, Type: qualify(f.Type, declared), Tag: f.Tag})
		}
		return &ast.StructType{Fields: fields}
	}
	return e
}

// structField returns the field of a struct type whose JSON name is name.
func (g *goAPI) structField(e ast.Expr, name string) (*ast.Field, bool) {
	st, ok := g.underlying(e).(*ast.StructType)
	if !ok {
		return nil, false
	}
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) != 1 {
			continue
		}
		tag, _ := strconv.Unquote(f.Tag.Value)
		json := reflect.StructTag(tag).Get("json")
		if n, _, _ := strings.Cut(json, ","); n == name {
			return f, true
		}
	}
	return nil, false
}

// underlying follows pointers, aliases and defined type names to a type
// literal.
func (g *goAPI) underlying(e ast.Expr) ast.Expr {
	for i := 0; i < 16; i++ {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.Ident:
			def, ok := g.types[t.Name]
			if !ok {
				return e
			}
			e = def
		default:
			return e
		}
	}
	return e
}
