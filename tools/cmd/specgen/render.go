package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"golang.org/x/tools/go/ast/astutil"
	"gopkg.in/yaml.v3"

	"github.com/partoo-go/partoo/tools/internal/goname"
)

//go:embed table.tmpl
var tableTemplate string

// renderTable writes internal/apispec/spec.gen.go.
func renderTable(m *model) ([]byte, error) {
	keep := map[int]bool{} // the inline schemas whose Example is written
	for _, o := range m.Ops {
		keep[o.Body], keep[o.Resource.Item] = true, true
	}
	for _, e := range m.Events {
		keep[e.Schema] = true
	}
	v := struct {
		*model
		Schemas     []*schemaRow
		Patterns    []patternRow
		KeepExample map[int]bool
	}{m, m.schemas.rows, m.schemas.patterns, keep}
	return execute("spec.gen.go", tableTemplate, template.FuncMap{"str": goString, "export": goname.Of, "canonical": http.CanonicalHeaderKey}, v)
}

// goString writes s as a Go string literal, raw when exact and readable.
func goString(s string) string {
	if strconv.CanBackquote(s) && strings.ContainsAny(s, `\"`) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

//go:embed services.tmpl
var servicesTemplate string

// serviceView is one service of services.gen.go.
type serviceView struct {
	Name, Tag, Doc string
	Methods        []methodView
}

// methodView is one method.
type methodView struct {
	Name, Args, Build, Op string   // Build calls gen's request builder; Op is apispec's entry
	Walkers               []walker // the func that checks its typed body's custom headers: a walker per location
	// Result is its answer's shape: "list" (of Type), "none", "field" (the
	// array Field, JSON name Tag), "pointer" or "value".
	Result, Type, Field, Tag string
	Sentence                 string // the rest of its doc's first sentence

	Spec           *operation
	Description    []string   // its lines, unless it is the summary
	ParamDocs      []paramRow // the params struct's fields
	Headers, OrgID bool       // whether it has header parameters, an org_id
}

// renderServices writes services.gen.go: a service per tag, a method per
// operation, from the model and oapi-codegen's run with configPath.
func renderServices(m *model, configPath string) ([]byte, error) {
	api, err := loadGoAPI(m.doc, configPath)
	if err != nil {
		return nil, err
	}
	byService := map[string][]*operation{}
	for _, o := range m.Ops {
		byService[o.Service] = append(byService[o.Service], o)
	}
	var views []serviceView
	for _, svc := range sortedKeys(byService) {
		ops := byService[svc]
		v := serviceView{Name: svc, Tag: ops[0].Tag}
		k := slices.IndexFunc(m.doc.Tags, func(t *openapi3.Tag) bool { return t != nil && t.Name == v.Tag })
		if k >= 0 && strings.TrimSpace(m.doc.Tags[k].Description) != "" {
			v.Doc = strings.ReplaceAll(firstSentence(m.doc.Tags[k].Description), "\n", " ")
		}
		slices.SortFunc(ops, func(a, b *operation) int { return strings.Compare(a.GoMethod, b.GoMethod) })
		for _, o := range ops {
			mv, err := methodOf(api, o)
			if err != nil {
				return nil, err
			}
			v.Methods = append(v.Methods, mv)
		}
		views = append(views, v)
	}
	return renderViews(views)
}

// renderViews writes services.gen.go.
func renderViews(views []serviceView) ([]byte, error) {
	return execute("services.gen.go", servicesTemplate, template.FuncMap{
		"join":       strings.Join,
		"trimSuffix": strings.TrimSuffix,
		"oneLine":    func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\n", " ")) },
	}, struct{ Services []serviceView }{views})
}

// execute runs a template and formats its Go, shown with numbered lines on an
// error. The template imports all the code may use: what it does not use goes.
func execute(name, text string, funcs template.FuncMap, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := template.Must(template.New(name).Funcs(funcs).Parse(text)).Execute(&b, data); err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, b.Bytes(), parser.ParseComments)
	var src bytes.Buffer
	if err == nil {
		for _, imp := range slices.Clone(f.Imports) {
			path, _ := strconv.Unquote(imp.Path.Value)
			as := ""
			if imp.Name != nil {
				as = imp.Name.Name
			}
			if !astutil.UsesImport(f, path) {
				astutil.DeleteNamedImport(fset, f, as, path)
			}
		}
		err = format.Node(&src, fset, f)
	}
	if err != nil {
		lines := strings.Split(b.String(), "\n")
		for i := range lines {
			lines[i] = fmt.Sprintf("%5d %s", i+1, lines[i])
		}
		return nil, fmt.Errorf("format %s: %w\n%s", name, err, strings.Join(lines, "\n"))
	}
	return src.Bytes(), nil
}

// methodOf builds the view of one operation's method.
func methodOf(api *goAPI, o *operation) (methodView, error) {
	k := slices.IndexFunc(api.defs, func(d codegen.OperationDefinition) bool {
		return d.Method == o.Method && d.Path == o.Path && !d.IsWebhook && !d.IsCallback && !d.IsAlias
	})
	if k < 0 {
		return methodView{}, fmt.Errorf("%s (%s %s): oapi-codegen generates no request builder for it in package gen", o.ID, o.Method, o.Path)
	}
	d, v := api.defs[k], methodView{Name: o.GoMethod, Op: "&apispec.Operations[apispec.Op" + goname.Of(o.ID) + "]", Spec: o, Sentence: sentence(o.Summary, o.ID)}
	if d := strings.TrimSpace(o.Doc); d != "" && d != strings.TrimSpace(o.Summary) {
		v.Description = strings.Split(d, "\n")
	}
	args, build := []string{"ctx context.Context"}, []string{"s.client.server"}
	take := func(arg, pass string) { args, build = append(args, arg), append(build, pass) }
	for _, p := range d.PathParams {
		take(p.GoVariableName()+" "+paramType(p), p.GoVariableName())
	}
	for _, p := range o.Params {
		orgID := p.In == "query" && p.Name == "org_id"
		if p.In != "path" && !orgID {
			v.ParamDocs = append(v.ParamDocs, p)
		}
		v.Headers, v.OrgID = v.Headers || p.In == "header", v.OrgID || orgID
	}
	switch {
	case d.RequiresParamObject() && len(v.ParamDocs) > 0:
		take("params *gen."+d.OperationId+"Params", "params")
	case d.RequiresParamObject():
		build = append(build, "nil")
	}
	body, bodyType := jsonBody(d)
	builder := "New" + d.OperationId + "Request"
	switch {
	case body != nil:
		take("body "+bodyType, "body")
		v.Walkers = api.walkers(*body, o.CustomHeadersAt)
	case o.RawBody != "":
		take("contentType string", "contentType")
		take("body io.Reader", "body")
		builder += "WithBody"
	}
	v.Args = strings.Join(append(args, "opts ...CallOption"), ", ")
	v.Build = fmt.Sprintf("gen.%s(%s)", builder, strings.Join(build, ", "))
	rts, err := d.GetResponseTypeDefinitions()
	if err != nil {
		return v, fmt.Errorf("oapi-codegen: %s: %w", d.OperationId, err)
	}
	var resp codegen.Schema // the JSON answer's
	hasJSON := false
	for _, r := range rts {
		if r.ResponseName == strconv.Itoa(o.Success) && strings.HasPrefix(r.TypeName, "JSON") {
			resp, hasJSON = r.Schema, true
		}
	}
	switch {
	case o.List.Style != "":
		if len(o.CustomHeadersAt) > 0 {
			return v, fmt.Errorf("%s: a list operation with custom headers in its body is not supported", o.ID)
		}
		field, ok := api.property(resp, o.List.Field)
		item := api.elem(field.Schema)
		if !ok || item == nil {
			return v, fmt.Errorf("%s: the %d answer in package gen has no array field %q", o.ID, o.Success, o.List.Field)
		}
		v.Result, v.Type, v.Field = "list", qualify(item.TypeDecl()), o.List.Field
	case o.SuccessMedia != "":
		v.Result, v.Type = "value", "[]byte"
	case o.SuccessSchema < 0 || !hasJSON:
		v.Result = "none"
	case !strings.HasPrefix(api.deref(resp).GoType, "struct"):
		v.Result, v.Type = "value", qualify(resp.TypeDecl())
	case token.IsIdentifier(resp.TypeDecl()) && token.IsExported(resp.TypeDecl()):
		v.Result, v.Type = "pointer", qualify(resp.TypeDecl())
	default:
		v.Result, v.Type = "pointer", qualify(codegen.GenStructFromSchema(resp))
		if len(resp.Properties) != 1 {
			break
		}
		// A wrapper of one array: the method returns the array.
		p := resp.Properties[0]
		if item := api.elem(p.Schema); item != nil {
			v.Result, v.Type, v.Field, v.Tag = "field", qualify(item.TypeDecl()), p.GoFieldName(), p.JsonFieldName
			if !p.Required {
				v.Tag += ",omitempty"
			}
		}
	}
	return v, nil
}

// firstSentence returns the first sentence of s, ended by a period.
func firstSentence(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), ". ")
	return strings.TrimSuffix(first, ".") + "."
}

// sentence turns a summary into the rest of a Go doc sentence ("Get a list of
// webhooks": "lists webhooks."); a noun phrase takes the operationId's verb.
func sentence(summary, id string) string {
	summary = listOf.ReplaceAllString(strings.TrimSuffix(strings.TrimSpace(summary), "."), "List ${1}")
	verb, rest, _ := strings.Cut(summary, " ")
	if !slices.Contains(verbs, strings.ToLower(verb)) {
		verb, rest = "", summary
		if ws := goname.Words(id); len(ws) > 0 {
			verb = ws[0]
		}
		switch {
		case summary == "":
			return "calls " + id + "."
		case !slices.Contains(verbs, strings.ToLower(verb)):
			return "calls " + id + ": " + summary + "."
		}
	}
	// A regular verb's third person is spelt as a noun's plural: replies, searches.
	return strings.TrimSpace(inflect.Plural(strings.ToLower(verb))+" "+rest) + "."
}

// listOf starts a summary that lists: "Get a list of all webhooks" lists webhooks.
var listOf = regexp.MustCompile(`(?is)^(?:get (?:a|the) list of (?:all )?|list all |get all )(.)`)

// verbs are the imperative verbs that start operation summaries, all regular.
var verbs = strings.Fields(`get list create update delete send search set fetch reply invite unsubscribe
	subscribe add remove retrieve upload check generate mark publish cancel enable disable activate deactivate
	assign connect disconnect import export test validate verify count find edit modify replace reset refresh
	trigger submit approve reject return compute link unlink`)

// walker is the code that takes a typed body down to the custom headers at
// one location: each stage opens inside the one before, then hc.at checks
// the map Expr.
type walker struct {
	Stages []stage
	Expr   string
}

// stage is a loop over the elements of Expr (Each), indexed by Var, or a
// nil check of the pointer Expr, held in Var.
type stage struct {
	Var, Expr string
	Each      bool
}

// walkers returns the walker of a typed body to each location, or none when
// a location's Go types do not lead to a map (they cross a union or a
// nullable): the client then checks the JSON.
func (g *goAPI) walkers(body codegen.Schema, locs []location) []walker {
	ws := make([]walker, len(locs))
	for k, loc := range locs {
		w, s, loops := &ws[k], body, 0
		for w.Expr = "body"; len(loc) > 0; loc = loc[1:] {
			item, i := g.elem(s), fmt.Sprintf("i%d", loops)
			p, ok := g.property(s, loc[0].Name)
			switch {
			case loc[0].Each && item != nil:
				w.Stages = append(w.Stages, stage{Var: i, Expr: w.Expr, Each: true})
				s, w.Expr, loops = *item, fmt.Sprintf("(%s)[%s]", w.Expr, i), loops+1
			case loc[0].Each || !ok || strings.HasPrefix(p.GoTypeDef(), "nullable."):
				return nil
			default: // a field; of a pointer's struct, through the pointer
				s, w.Expr = p.Schema, strings.TrimPrefix(w.Expr, "*")+"."+p.GoFieldName()
				if strings.HasPrefix(p.GoTypeDef(), "*") { // an optional field
					v := fmt.Sprintf("p%d", len(w.Stages)+2)
					w.Stages = append(w.Stages, stage{Var: v, Expr: w.Expr})
					w.Expr = "*" + v
				}
			}
		}
		if !strings.HasPrefix(g.deref(s).GoType, "map[") {
			return nil
		}
	}
	return ws
}

// goAPI is what oapi-codegen generates in package gen.
type goAPI struct {
	defs       []codegen.OperationDefinition
	components map[string]*openapi3.SchemaRef // Go type name → component schema
}

// loadGoAPI runs codegen on doc, which it may filter or prune (nothing reads its paths or
// components after), configured by configPath; codegen's options are package state: never concurrently.
func loadGoAPI(doc *openapi3.T, configPath string) (*goAPI, error) {
	raw, err := os.ReadFile(configPath)
	if err != nil {
		return nil, err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", configPath, err)
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
			// A component's alias takes its name; an inline body's <Op>JSONRequestBody stays.
			if td.Schema.RefType != "" && td.Schema.RefType != d.OperationId+"JSONBody" {
				return &td.Schema, qualify(td.Schema.RefType)
			}
			return &td.Schema, qualify(td.TypeName)
		}
	}
	return nil, ""
}

// paramType is a path parameter's type: a predeclared Go type, else oapi-codegen's.
func paramType(p codegen.ParameterDefinition) string {
	if s, err := codegen.GenerateGoSchema(p.Spec.Schema, nil); err == nil && len(s.EnumValues) == 0 && codegen.IsPredeclaredGoIdentifier(s.TypeDecl()) {
		return s.TypeDecl()
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
		case *ast.SelectorExpr: // time.Time
			return false
		case *ast.Field: // of an inline struct: its type only
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

// elem returns the element schema of an array schema, else nil.
func (g *goAPI) elem(s codegen.Schema) *codegen.Schema {
	return g.deref(s).ArrayType
}
