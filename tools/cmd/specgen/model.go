package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partoo-go/partoo/tools/internal/goname"
	"github.com/partoo-go/partoo/tools/internal/specload"
)

// customHeadersSchema is the schema the client enforces locally.
const customHeadersSchema = "CustomHeaders"

// model is the spec compiled for the generated code; table.tmpl reads its
// exported fields.
type model struct {
	Ops           []*operation
	ErrorBodies   []errorBody
	CustomHeaders int    // index of the CustomHeaders schema, or noSchema
	APIKeyHeader  string // the header of the spec's one apiKey security scheme
	Events        []eventRow

	schemas *schemaTable
	doc     *openapi3.T // renderServices hands it to oapi-codegen, which filters it as its configuration says
}

// eventRow is a webhook event: its type and its delivery body's schema.
type eventRow struct {
	Type   string
	Schema int
}

type operation struct {
	ID, Method, Path, Tag  string
	Summary, Doc           string
	Service, GoMethod      string // Go names, set by the naming step
	Deprecated             bool
	Params                 []paramRow
	Body, MediaSchema      int // schema indexes, or noSchema
	BodyRequired           bool
	RawBody                string // a body that is not JSON: its media types
	Media                  string // the first of them, which the contract test sends
	Success, SuccessSchema int    // status, schema index
	SuccessExample         string // the body the fake answers
	SuccessMedia           string // the media type of a success body that is not JSON (text/csv)
	Errors, ErrorSchemas   []int  // error statuses, and the schema of each, or noSchema
	List                   listRow
	CustomHeadersAt        []location
	Resource               resourceRow

	errorRefs []*openapi3.SchemaRef // the JSON schema of each status of Errors, or nil
}

type paramRow struct {
	Name, In, Description string
	Example               string // as sent, "" if none
	Required, Explode     bool
	Schema                int
	Rules                 *schemaRow // the schema's row, for the services' docs
}

type listRow struct {
	Style, Field string // Style is "", "page", "cursor" or "next"
	Item         int
}

// resourceRow places an operation in a family of the fake's resources.
type resourceRow struct {
	Role           string // "", "create", "read", "update", "delete" or "list"
	Collection     string // the family's path (/things)
	IDParam        string // the path parameter that selects an item
	IDProperty     string // the item's property that identifies it
	Item           int    // the items' schema index
	ItemInResponse bool   // whether the answer is an item
}

type errorBody struct {
	Status int
	Body   string
}

// build compiles the document and names its operations by the naming file.
func build(doc *openapi3.T, names *namesFile) (*model, error) {
	comps := cmp.Or(doc.Components, &openapi3.Components{})
	m := &model{schemas: newSchemaTable(comps.Schemas), doc: doc}
	var keys []string // the client sends the key in one header, on every request
	for _, name := range sortedKeys(comps.SecuritySchemes) {
		if s := comps.SecuritySchemes[name].Value; s.Type == "apiKey" && s.In == "header" && !slices.Contains(keys, s.Name) {
			keys = append(keys, s.Name)
		}
	}
	if len(keys) != 1 {
		return nil, fmt.Errorf("components.securitySchemes: the client sends the key in one header, but the spec declares %d apiKey header schemes %q", len(keys), keys)
	}
	m.APIKeyHeader = keys[0]
	// Components first, in name order: their indexes are stable.
	for _, name := range sortedKeys(comps.Schemas) {
		m.schemas.sub(comps.Schemas[name], "components.schemas."+name)
	}
	m.CustomHeaders = m.schemas.sub(comps.Schemas[customHeadersSchema], "components.schemas."+customHeadersSchema) // its row, or none
	if m.schemas.err != nil {
		return nil, m.schemas.err
	}
	if err := m.eventsFrom(doc); err != nil {
		return nil, err
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, key := range specload.HTTPMethods {
			if op := item.GetOperation(strings.ToUpper(key)); op != nil {
				o, err := m.operation(strings.ToUpper(key), path, item, op, names.Lists[op.OperationID])
				if err != nil {
					return nil, err
				}
				m.Ops = append(m.Ops, o)
			}
		}
	}
	order := func(o *operation) int { return slices.Index(specload.HTTPMethods, strings.ToLower(o.Method)) }
	slices.SortFunc(m.Ops, func(a, b *operation) int { return cmp.Or(strings.Compare(a.Path, b.Path), order(a)-order(b)) })
	// The error responses' schemas come last: they move no other index.
	for _, o := range m.Ops {
		for k, ref := range o.errorRefs {
			o.ErrorSchemas = append(o.ErrorSchemas, m.schemas.sub(ref, fmt.Sprintf("%s (%s %s): %d response", o.ID, o.Method, o.Path, o.Errors[k])))
		}
	}
	if m.schemas.err != nil {
		return nil, m.schemas.err
	}
	m.errorBodiesFrom(comps.Responses)
	missing := m.schemas.fillExamples()
	for _, o := range m.Ops {
		if err := missing[o.SuccessSchema]; err != nil {
			return nil, fmt.Errorf("%s (%s %s): the fake server cannot build a %d answer: %v", o.ID, o.Method, o.Path, o.Success, err)
		} else if o.SuccessSchema >= 0 {
			o.SuccessExample = m.schemas.rows[o.SuccessSchema].Example
		}
		for k, p := range o.Params {
			o.Params[k].Example = cmp.Or(p.Example, paramText(p.Rules.Example)) // the row's, just filled
		}
	}
	m.resources()
	return m, m.name(names)
}

func (m *model) operation(method, path string, item *openapi3.PathItem, op *openapi3.Operation, listOverride string) (*operation, error) {
	o := &operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Doc: op.Description,
		Deprecated: op.Deprecated, Body: noSchema, SuccessSchema: noSchema, Resource: resourceRow{Item: noSchema}}
	if len(op.Tags) > 0 {
		o.Tag = op.Tags[0]
	}
	where := fmt.Sprintf("%s (%s %s)", o.ID, method, path)
	if o.ID == "" {
		return nil, fmt.Errorf("%s %s has no operationId: the generated names come from it", method, path)
	}
	// Path-level parameters, overridden by operation-level ones; path first.
	// The loader resolved every reference, or refused the document.
	var params []*openapi3.Parameter
	for _, ref := range slices.Concat(item.Parameters, op.Parameters) {
		p := ref.Value
		if k := slices.IndexFunc(params, func(q *openapi3.Parameter) bool { return q.In == p.In && q.Name == p.Name }); k >= 0 {
			params[k] = p
		} else {
			params = append(params, p)
		}
	}
	sort.SliceStable(params, func(i, j int) bool { return params[i].In == "path" && params[j].In != "path" })
	for _, p := range params {
		row, err := m.param(where, p)
		if err != nil {
			return nil, err
		}
		o.Params = append(o.Params, row)
	}
	// Each step reads what the one before it recorded.
	if err := m.body(o, where, op); err != nil {
		return nil, err
	}
	if err := m.responses(o, where, op); err != nil {
		return nil, err
	}
	if err := m.list(o, where, listOverride); err != nil {
		return nil, err
	}
	locs, err := m.locate(o.Body, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: request body: %w", where, err)
	}
	slices.SortFunc(locs, func(a, b location) int {
		return slices.CompareFunc(a, b, func(x, y step) int {
			return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(strconv.FormatBool(x.Each), strconv.FormatBool(y.Each)))
		})
	})
	o.CustomHeadersAt = slices.CompactFunc(locs, slices.Equal)
	return o, nil
}

func (m *model) param(where string, p *openapi3.Parameter) (paramRow, error) {
	pw := fmt.Sprintf("%s: %s parameter %q", where, p.In, p.Name)
	if !slices.Contains([]string{"path", "query", "header"}, p.In) {
		return paramRow{}, fmt.Errorf("%s: parameters in %q are not supported by specgen", pw, p.In)
	}
	if p.Schema == nil {
		return paramRow{}, fmt.Errorf("%s: a parameter without a schema (content) is not supported by specgen", pw)
	}
	i, err := m.schemas.add(p.Schema, pw)
	switch {
	case err != nil:
		return paramRow{}, err
	case p.Style != "" && !(p.Style == "form" && p.In == "query") && !(p.Style == "simple" && p.In != "query"):
		return paramRow{}, fmt.Errorf("%s: style %q is not supported by specgen (form in the query, simple elsewhere)", pw, p.Style)
	case primaryType(m.schemas.rows[i]) == "object":
		return paramRow{}, fmt.Errorf("%s: object parameters are not supported by specgen", pw)
	}
	return paramRow{Name: p.Name, In: p.In, Required: p.Required || p.In == "path", Explode: p.Explode == nil || *p.Explode, Schema: i,
		Rules: m.schemas.rows[i], Description: p.Description, Example: paramText(jsonText(p.Example))}, nil
}

// paramText turns the JSON text of a value into the text a parameter
// carries: a string unquoted, an array's elements joined with commas.
func paramText(j string) string {
	var v any
	_ = json.Unmarshal([]byte(j), &v) // "", no example, stays nil like null
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = paramText(jsonText(e))
		}
		return strings.Join(parts, ",")
	}
	return j
}

// body records the request body's JSON schema, else its media types.
func (m *model) body(o *operation, where string, op *openapi3.Operation) (err error) {
	if op.RequestBody == nil {
		return nil
	}
	rb := op.RequestBody.Value
	o.BodyRequired = rb.Required
	schema, raw := jsonContent(rb.Content)
	if o.Body, err = m.schemas.add(schema, where+": request body"); err != nil || o.Body >= 0 || len(raw) == 0 {
		return err
	}
	o.RawBody, o.Media = strings.Join(raw, ", "), raw[0]
	o.MediaSchema, err = m.schemas.add(rb.Content[raw[0]].Schema, where+": request body")
	return err
}

// jsonContent returns the schema of content's JSON media type (application/json,
// else the first +json) and the media types that are not JSON, in name order.
func jsonContent(content openapi3.Content) (schema *openapi3.SchemaRef, others []string) {
	taken := "" // the JSON media type whose schema is taken
	for _, ct := range sortedKeys(content) {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json"):
			others = append(others, ct)
		case taken == "" || mt == "application/json" && taken != mt:
			schema, taken = content[ct].Schema, mt
		}
	}
	return schema, others
}

func (m *model) responses(o *operation, where string, op *openapi3.Operation) error {
	for _, code := range sortedKeys(op.Responses.Map()) {
		status, err := strconv.Atoi(code)
		content := op.Responses.Value(code).Value.Content
		schema, raw := jsonContent(content)
		switch {
		case err != nil: // "default" and "2XX" ranges
		case status >= 400:
			o.Errors, o.errorRefs = append(o.Errors, status), append(o.errorRefs, schema)
		case status < 200 || status > 299 || o.Success != 0:
		default:
			o.Success = status
			if o.SuccessSchema, err = m.schemas.add(schema, fmt.Sprintf("%s: %d response", where, status)); err != nil {
				return err
			}
			if o.SuccessSchema < 0 && len(raw) > 0 {
				o.SuccessMedia, o.SuccessExample = mediaExample(raw[0], content[raw[0]])
			}
		}
	}
	if o.Success == 0 {
		return fmt.Errorf("%s: no 2xx response: the helper cannot know what success is", where)
	}
	return nil
}

// mediaExample returns the media type of a success body that is not JSON
// and the body the fake answers: the spec's text example, else "example".
func mediaExample(ct string, media *openapi3.MediaType) (string, string) {
	mt, _, _ := mime.ParseMediaType(ct)
	candidates := []any{media.Example}
	for _, name := range sortedKeys(media.Examples) {
		candidates = append(candidates, media.Examples[name].Value.Value)
	}
	if media.Schema != nil {
		candidates = append(candidates, media.Schema.Value.Example)
	}
	for _, c := range candidates {
		if s, ok := c.(string); ok && s != "" {
			return cmp.Or(mt, ct), s
		}
	}
	return cmp.Or(mt, ct), "example"
}

// list detects a GET's pagination, each with one array: page lists answer page and
// max_page, cursor lists take cursor and answer next_cursor, next lists answer next
// (a URL). Part of a shape is ambiguous: an error, settled in the naming file.
func (m *model) list(o *operation, where, override string) error {
	if override == "none" || o.Method != "GET" || o.SuccessSchema < 0 {
		return nil
	}
	props := m.schemas.properties(o.SuccessSchema)
	has := func(name string) bool { _, ok := props[name]; return ok }
	takes := func(name string) bool {
		return slices.ContainsFunc(o.Params, func(p paramRow) bool { return p.In == "query" && p.Name == name })
	}
	page, maxPage, nextCursor, cursor := has("page"), has("max_page"), has("next_cursor"), takes("cursor")
	var style string
	switch {
	case page && maxPage && !cursor && !nextCursor:
		style = "page"
	case cursor && nextCursor && !page && !maxPage:
		style = "cursor"
	case has("next") && m.schemas.hasType(props["next"], "string") && !page && !maxPage && !nextCursor:
		style = "next"
	case page || maxPage || cursor || nextCursor || takes("page"):
		return fmt.Errorf("%s: ambiguous list shape (page=%t max_page=%t cursor parameter=%t next_cursor=%t page parameter=%t): "+
			"a page list answers page and max_page, a cursor list takes cursor and answers next_cursor; "+
			"declare it in the naming file (api/names.yaml), under lists: %s: <array field> or none", where, page, maxPage, cursor, nextCursor, takes("page"), o.ID)
	default:
		return nil
	}
	arrays := slices.DeleteFunc(sortedKeys(props), func(name string) bool { return !m.schemas.hasType(props[name], "array") })
	field := override
	switch {
	case field != "" && !slices.Contains(arrays, field):
		return fmt.Errorf("%s: the naming file picks the list field %q, but the answer's arrays are %v", where, field, arrays)
	case field == "" && len(arrays) != 1:
		return fmt.Errorf("%s: ambiguous list shape: a %s list with %d array properties %v; name the one to iterate in the naming file (api/names.yaml), under lists: %s: <field>",
			where, style, len(arrays), arrays, o.ID)
	case field == "":
		field = arrays[0]
	}
	for _, name := range []string{"page", "max_page"} {
		if style == "page" && !m.schemas.hasType(props[name], "integer") {
			return fmt.Errorf("%s: the page list's %s is not an integer", where, name)
		}
	}
	o.List = listRow{Style: style, Field: field, Item: m.schemas.rows[props[field]].Items}
	for _, part := range m.schemas.rows[props[field]].AllOf {
		if o.List.Item < 0 {
			o.List.Item = m.schemas.rows[part].Items
		}
	}
	return nil
}

// location is where a request body holds a CustomHeaders object, step by
// step. The table writes it as apispec.Location, which owns reading and
// writing it ("items[*].custom_headers"); specgen only orders and compares
// locations (the tools module does not import the root module's internal
// packages: a broken generated table would stop specgen from building).
type location []step

// step is a step of a location: into the property Name, or into every
// element of an array (Each, without a name).
type step struct {
	Name string
	Each bool
}

// locate returns the locations of the CustomHeaders schema under schema i;
// stack holds the schemas above it, to stop on recursion.
func (m *model) locate(i int, loc location, stack []int) ([]location, error) {
	if i >= 0 && i == m.CustomHeaders {
		return []location{loc}, nil
	}
	if i < 0 || slices.Contains(stack, i) {
		return nil, nil
	}
	row := m.schemas.rows[i]
	stack = append(stack, i)
	var out []location
	var err error // the first
	visit := func(sub int, at location) {
		locs, e := m.locate(sub, at, stack)
		out = append(out, locs...)
		err = cmp.Or(err, e)
	}
	visit(row.Items, append(slices.Clip(loc), step{Each: true}))
	for _, p := range row.Properties {
		visit(p.Schema, append(slices.Clip(loc), step{Name: p.Name}))
	}
	for _, sub := range slices.Concat(row.AllOf, row.OneOf, row.AnyOf) {
		visit(sub, loc)
	}
	if locs, _ := m.locate(row.AdditionalProperties, nil, stack); err == nil && len(locs) > 0 {
		err = fmt.Errorf("%s: %s sits under additionalProperties, where the client cannot locate it", row.Where, customHeadersSchema)
	}
	return out, err
}

// errorBodiesFrom builds the body of each error in components.responses.
func (m *model) errorBodiesFrom(responses openapi3.ResponseBodies) {
	for _, code := range sortedKeys(responses) {
		status, err := strconv.Atoi(code)
		if mt := responses[code].Value.Content.Get("application/json"); err == nil && status >= 400 && mt != nil && mt.Schema != nil {
			m.ErrorBodies = append(m.ErrorBodies, errorBody{Status: status, Body: jsonText(cmp.Or[any](defaultsOf(mt.Schema.Value, 0), map[string]any{}))})
		}
	}
}

// defaultsOf builds the value of a schema's defaults, objects included.
func defaultsOf(s *openapi3.Schema, depth int) any {
	if s.Default != nil || depth > 8 || !s.Type.Is("object") {
		return s.Default
	}
	obj := map[string]any{}
	for name, p := range s.Properties {
		if v := defaultsOf(p.Value, depth+1); v != nil {
			obj[name] = v
		}
	}
	return obj
}

// resources groups the operations on a collection (/things), its search
// (/things/search) and its items (/things/{id}) into a family, stateful in
// the fake when its items have an id property and it can list or read them.
func (m *model) resources() {
	var order []string                // the collections, as the operations meet them
	fams := map[string][]*operation{} // by collection
	for _, o := range m.Ops {
		r := &o.Resource // no family's yet
		segs := strings.Split(strings.Trim(o.Path, "/"), "/")
		last, parent := segs[len(segs)-1], "/"+strings.Join(segs[:len(segs)-1], "/")
		switch {
		case strings.HasPrefix(last, "{") && strings.HasSuffix(last, "}") && len(segs) > 1:
			if role := map[string]string{"GET": "read", "PUT": "update", "PATCH": "update", "POST": "update", "DELETE": "delete"}[o.Method]; role != "" {
				r.Role, r.Collection, r.IDParam = role, parent, last[1:len(last)-1]
			}
		case o.Method == "POST" && o.Body >= 0:
			r.Role, r.Collection = "create", o.Path
		case o.Method == "GET" && o.List.Style != "":
			r.Role, r.Collection = "list", o.Path
			if last == "search" && len(segs) > 1 {
				r.Collection = parent
			}
		}
		if _, ok := fams[r.Collection]; !ok && r.Role != "" {
			order = append(order, r.Collection)
		}
		if r.Role != "" {
			fams[r.Collection] = append(fams[r.Collection], o)
		}
	}
	// A family that only creates, or only lists, joins the one other family with
	// its items' schema: POST /things/template creates what GET /things/templates lists.
	for _, c := range order {
		ops, item := fams[c], itemOf(fams[c])
		if item < 0 || slices.ContainsFunc(ops, func(o *operation) bool { return o.Resource.Role != ops[0].Resource.Role }) ||
			ops[0].Resource.Role != "create" && ops[0].Resource.Role != "list" {
			continue
		}
		into := slices.DeleteFunc(slices.Clone(order), func(d string) bool { return d == c || itemOf(fams[d]) != item })
		if len(into) == 1 {
			for _, o := range ops {
				o.Resource.Collection = into[0]
			}
			fams[into[0]], fams[c] = append(fams[into[0]], ops...), nil
		}
	}
	for _, c := range order {
		ops, item := fams[c], itemOf(fams[c])
		access := slices.ContainsFunc(ops, func(o *operation) bool { return o.Resource.Role == "list" || o.Resource.Role == "read" })
		id := m.idProperty(item, ops)
		stateful := access && item >= 0 && m.hasProp(item, id)
		for _, o := range ops {
			o.Resource.Item, o.Resource.IDProperty, o.Resource.ItemInResponse = item, id, o.SuccessSchema == item
			// A list of other items (GET /things/stats) is not the family's.
			if !stateful || o.Resource.Role == "list" && o.List.Item != item {
				o.Resource = resourceRow{Item: noSchema}
			}
		}
	}
}

// itemOf is the item schema of a family: what a list iterates, else what a
// read returns, else what a create answers (the last of a role wins).
func itemOf(ops []*operation) int {
	item, best := noSchema, -1
	for _, o := range ops {
		i, rank := o.SuccessSchema, slices.Index([]string{"create", "read", "list"}, o.Resource.Role)
		if o.Resource.Role == "list" {
			i = o.List.Item
		}
		if rank >= 0 && rank >= best && i >= 0 {
			item, best = i, rank
		}
	}
	return item
}

// idProperty is id, else the item's property named by the path parameter
// that selects it when that ends in _id (org_id in /org/{org_id}).
func (m *model) idProperty(item int, ops []*operation) string {
	for _, o := range ops {
		if p := o.Resource.IDParam; !m.hasProp(item, "id") && strings.HasSuffix(p, "_id") && m.hasProp(item, p) {
			return p
		}
	}
	return "id"
}

func (m *model) hasProp(i int, name string) bool {
	_, ok := m.schemas.properties(i)[name]
	return ok
}

// eventsFrom reads the webhooks: each one's POST body delivers the event type of its
// type enum that is the key in snake_case (leadReceived: lead_received), else refused.
func (m *model) eventsFrom(doc *openapi3.T) error {
	for _, key := range sortedKeys(doc.Webhooks) {
		item := doc.Webhooks[key]
		where := "webhooks." + key
		if item.Post == nil || item.Post.RequestBody == nil {
			return fmt.Errorf("%s: no POST with a request body: the fake cannot deliver the event", where)
		}
		media := item.Post.RequestBody.Value.Content.Get("application/json")
		if media == nil {
			return fmt.Errorf("%s: the request body is not application/json", where)
		}
		i, err := m.schemas.add(media.Schema, where+": request body")
		if err != nil {
			return err
		}
		typ := strings.ToLower(strings.Join(goname.Words(key), "_"))
		if enum, ok := m.schemas.properties(i)["type"]; !ok || !slices.Contains(m.schemas.rows[enum].Enum, strconv.Quote(typ)) {
			return fmt.Errorf("%s: the body's type enum has no %q, the event type the key names", where, typ)
		}
		m.Events = append(m.Events, eventRow{Type: typ, Schema: i})
	}
	return nil
}
