package partootest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partoo-go/partoo/internal/apispec"
)

// timeFormat is how the fake writes created_at and updated_at: RFC 3339
// with microseconds and a Z, like the examples of Partoo's documentation.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// family is a resource family's items, guarded by the server's mu.
type family struct {
	tbl        schemaTable
	collection string
	item       int            // the item schema, or NoSchema
	props      map[string]int // the item's properties (allOf walked) and their schemas
	idName     string         // the property that identifies an item: id, or org_id for /org/{org_id}
	parents    []string       // the collection's path parameters that are properties of the item
	intIDs     bool           // ids are integers; else strings
	hexIDs     bool           // string ids are 24 hexadecimal digits
	uuidIDs    bool           // string ids are UUIDs (format uuid)
	next       int64          // the next id to try
	items      []*stored
	byID       map[string]*stored
	rules      rules // what Partoo documents beyond the spec, if anything
}

// stored is one item.
type stored struct {
	id string         // the id as text: the key of byID
	v  map[string]any // numbers are json.Number
}

// newFamilies returns the resource families of the engine's operations,
// each with its rules when the engine applies them. Every family without
// rules starts with its item example, in the organization org, so that a
// request built from the spec's examples finds the item it names; a
// family with rules starts empty (a webhook would receive deliveries).
func (e *engine) newFamilies(org int, now time.Time) map[string]*family {
	fams := map[string]*family{}
	for i := range e.ops {
		op := &e.ops[i]
		if op.Resource.Role == apispec.NoRole || fams[op.Resource.Collection] != nil {
			continue
		}
		f := e.newFamily(op.Resource)
		if e.rules {
			f.rules = familyRules[f.collection]
		}
		fams[f.collection] = f
	}
	for _, f := range fams {
		if f.item == apispec.NoSchema || f.rules.check != nil {
			continue
		}
		if v := f.tbl.exampleObject(f.item); v != nil {
			if f.orgScoped() {
				delete(v, "org_id") // the server's organization, below
			}
			f.add(v, org, now) // the example is valid: its id has the right type, or it has none
		}
	}
	return fams
}

// newFamily returns the empty family of r's collection, its items
// identified by the property the table names (id in a table that names
// none).
func (e *engine) newFamily(r apispec.Resource) *family {
	f := &family{tbl: e.tbl, collection: r.Collection, item: r.Item, props: map[string]int{}, idName: cmp.Or(r.IDProperty, "id"), next: 1, byID: map[string]*stored{}}
	f.tbl.properties(r.Item, f.props, 0)
	for _, seg := range strings.Split(r.Collection, "/") {
		if name := strings.Trim(seg, "{}"); len(name) == len(seg)-2 && f.has(name) && name != f.idName {
			f.parents = append(f.parents, name)
		}
	}
	if s := f.tbl.at(f.props[f.idName]); s != nil {
		f.intIDs = s.Types&(apispec.TypeInteger|apispec.TypeNumber) != 0 && s.Types&apispec.TypeString == 0
		if !f.intIDs {
			id, _ := f.tbl.exampleObject(r.Item)[f.idName].(string)
			if id == "" {
				json.Unmarshal([]byte(s.Example), &id)
			}
			f.hexIDs = hexID.MatchString(id)
			f.uuidIDs = s.Format == "uuid"
		}
	}
	return f
}

var hexID = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

// schemaTable is the schemas the engine's operations point into: the
// spec's, or a test's own.
type schemaTable []apispec.Schema

// at returns schema idx, or nil when there is none.
func (t schemaTable) at(idx int) *apispec.Schema {
	if idx < 0 || idx >= len(t) {
		return nil
	}
	return &t[idx]
}

// properties adds the properties of schema idx, walking its allOf, to out.
func (t schemaTable) properties(idx int, out map[string]int, depth int) {
	s := t.at(idx)
	if s == nil || depth > 32 {
		return
	}
	for _, p := range s.Properties {
		if _, ok := out[p.Name]; !ok {
			out[p.Name] = p.Schema
		}
	}
	for _, sub := range s.AllOf {
		t.properties(sub, out, depth+1)
	}
}

// required adds the required properties of schema idx, walking its allOf,
// to out.
func (t schemaTable) required(idx int, out map[string]bool, depth int) {
	s := t.at(idx)
	if s == nil || depth > 32 {
		return
	}
	for _, name := range s.Required {
		out[name] = true
	}
	for _, sub := range s.AllOf {
		t.required(sub, out, depth+1)
	}
}

// exampleObject returns a fresh copy of the example of schema idx when it
// is a JSON object, else nil.
func (t schemaTable) exampleObject(idx int) map[string]any {
	if s := t.at(idx); s != nil {
		v, _ := decodeObject([]byte(s.Example))
		return v
	}
	return nil
}

// decodeObject decodes a JSON object with numbers as json.Number.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("got %s", apispec.JSONType(v))
	}
	return m, nil
}

// has reports whether the item has the property name.
func (f *family) has(name string) bool {
	_, ok := f.props[name]
	return ok
}

// orgScoped reports whether an item belongs to the organization its
// org_id names: org_id is a property and not the item's own id.
func (f *family) orgScoped() bool {
	return f.idName != "org_id" && f.has("org_id")
}

// serverSet lists the properties a request does not set: the id, the
// organization, the timestamps, the parents given by the path, and the
// readOnly properties.
func (f *family) serverSet() []string {
	out := append([]string{f.idName, "created_at", "updated_at"}, f.parents...)
	if f.orgScoped() {
		out = append(out, "org_id")
	}
	for name, idx := range f.props {
		if s := f.tbl.at(idx); s != nil && s.ReadOnly {
			out = append(out, name)
		}
	}
	return out
}

// public returns v without its writeOnly properties, which an answer
// never shows.
func (f *family) public(v map[string]any) map[string]any {
	return f.tbl.public(f.item, v, 0).(map[string]any)
}

// public returns v, a value of schema idx, without the writeOnly
// properties of its objects at any depth: nested objects (with their allOf
// parts) and array items. An object or array under a schema is a copy;
// what no schema describes is returned as it is.
func (t schemaTable) public(idx int, v any, depth int) any {
	s := t.at(idx)
	if s == nil || depth > 32 {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		props, out := map[string]int{}, make(map[string]any, len(v))
		t.properties(idx, props, 0)
		for k, x := range v {
			p, ok := props[k]
			if !ok {
				p = s.AdditionalProperties
			}
			if ps := t.at(p); ps == nil || !ps.WriteOnly {
				out[k] = t.public(p, x, depth+1)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = t.public(s.Items, x, depth+1)
		}
		return out
	}
	return v
}

// idKey returns the text of an id value as the family stores it: for
// integer ids, any JSON number that is exactly an integer from 0 to the
// largest int64 (1e3 and 1000.0 are 1000, as for the spec's validator).
func (f *family) idKey(v any) (string, error) {
	if f.intIDs {
		n, ok := v.(json.Number)
		if !ok {
			return "", fmt.Errorf("id %q is not an integer of 0 or more", jsonText(v))
		}
		i, ok := int64Of(n)
		if !ok || i < 0 {
			return "", fmt.Errorf("id %q is not an integer from 0 to %d", n, int64(math.MaxInt64))
		}
		return strconv.FormatInt(i, 10), nil
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("id %q is not a non-empty string", jsonText(v))
	}
	return s, nil
}

// int64Of returns the value of n if it is exactly an int64, however
// written (1e3, 1000.0). The float64 test first keeps huge exponents from
// the exact test.
func int64Of(n json.Number) (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	if f, err := n.Float64(); err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

// paramKey returns the text of an id given in a path, or false when it
// cannot be an id of the family.
func (f *family) paramKey(raw string) (string, bool) {
	var v any = raw
	if f.intIDs {
		v = json.Number(raw)
	}
	key, err := f.idKey(v)
	return key, err == nil
}

// newID returns the next free id, as a JSON value.
func (f *family) newID() (string, any) {
	for {
		n := f.next
		f.next++
		key := strconv.FormatInt(n, 10)
		switch {
		case f.hexIDs:
			key = fmt.Sprintf("%024x", n)
		case f.uuidIDs:
			key = fmt.Sprintf("00000000-0000-4000-8000-%012x", n)
		}
		switch {
		case f.byID[key] != nil:
		case f.intIDs:
			return key, json.Number(key)
		default:
			return key, key
		}
	}
}

// prepare checks the id of v, or gives it a new one, and fills org_id,
// created_at and updated_at where the item has them and v does not. It
// returns the id's key.
func (f *family) prepare(v map[string]any, org int, now time.Time) (string, error) {
	var key string
	if raw := v[f.idName]; raw != nil {
		var err error
		if key, err = f.idKey(raw); err != nil {
			return "", err
		}
		if f.byID[key] != nil {
			return "", fmt.Errorf("id %s is already taken", jsonText(raw))
		}
		if f.intIDs {
			v[f.idName] = json.Number(key) // 1e3 is stored as 1000
			if n, _ := strconv.ParseInt(key, 10, 64); n >= f.next {
				f.next = n + 1
			}
		}
	} else {
		key, v[f.idName] = f.newID()
	}
	if _, ok := v["org_id"]; !ok && f.orgScoped() {
		v["org_id"] = json.Number(strconv.Itoa(org))
	}
	if _, ok := v["created_at"]; !ok && f.has("created_at") {
		v["created_at"] = f.timeValue("created_at", now)
	}
	if _, ok := v["updated_at"]; !ok && f.has("updated_at") {
		if c, ok := v["created_at"]; ok {
			v["updated_at"] = c
		} else {
			v["updated_at"] = f.timeValue("updated_at", now)
		}
	}
	return key, nil
}

// add stores v (see prepare).
func (f *family) add(v map[string]any, org int, now time.Time) (*stored, error) {
	key, err := f.prepare(v, org, now)
	if err != nil {
		return nil, err
	}
	e := &stored{id: key, v: v}
	f.items = append(f.items, e)
	f.byID[key] = e
	return e, nil
}

// addAll stores vs, all or none: their ids are checked first, and the
// items that have an id are stored before those that get a new one, so a
// new id never takes one that comes later in vs. It returns the stored
// items in the order of vs, or the index of the first item whose id is
// wrong.
func (f *family) addAll(vs []map[string]any, org int, now time.Time) ([]*stored, int, error) {
	hasID := func(v map[string]any) bool { return v[f.idName] != nil }
	seen := map[string]bool{}
	for i, v := range vs {
		if !hasID(v) {
			continue
		}
		key, err := f.idKey(v[f.idName])
		if err != nil {
			return nil, i, err
		}
		if f.byID[key] != nil || seen[key] {
			return nil, i, fmt.Errorf("id %s is already taken", jsonText(v[f.idName]))
		}
		seen[key] = true
	}
	out := make([]*stored, len(vs))
	for _, withID := range []bool{true, false} {
		for i, v := range vs {
			if out[i] != nil || hasID(v) != withID {
				continue
			}
			e, err := f.add(v, org, now)
			if err != nil { // cannot happen after the checks above
				return nil, i, err
			}
			out[i] = e
		}
	}
	return out, 0, nil
}

// remove deletes e.
func (f *family) remove(e *stored) {
	delete(f.byID, e.id)
	f.items = slices.DeleteFunc(f.items, func(x *stored) bool { return x == e })
}

// timeValue is now as the property name wants it: RFC 3339 text, or Unix
// seconds when its schema is a number.
func (f *family) timeValue(name string, now time.Time) any {
	if s := f.tbl.at(f.props[name]); f.has(name) && s.Types != 0 && s.Types&apispec.TypeString == 0 {
		if s.Types&apispec.TypeNumber != 0 {
			return json.Number(strconv.FormatFloat(float64(now.UnixMicro())/1e6, 'f', -1, 64))
		}
		return json.Number(strconv.FormatInt(now.Unix(), 10))
	}
	return now.UTC().Format(timeFormat)
}

// sorted returns the items in list order: integer ids in numeric order,
// string ids in the order they were added.
func (f *family) sorted() []*stored {
	out := slices.Clone(f.items)
	if f.intIDs {
		slices.SortStableFunc(out, func(a, b *stored) int {
			x, _ := strconv.ParseInt(a.id, 10, 64)
			y, _ := strconv.ParseInt(b.id, 10, 64)
			return cmp.Compare(x, y)
		})
	}
	return out
}

// visible reports whether e belongs to org (items without org_id belong
// to every organization) and to the parents the call's path names.
func (f *family) visible(e *stored, c *call) bool {
	for _, p := range f.parents {
		if raw, ok := c.op.PathParam(c.rel, p); ok && !equalsParam(e.v[p], raw) {
			return false
		}
	}
	_, has := e.v["org_id"]
	return !has || !f.orgScoped() || equalsParam(e.v["org_id"], strconv.Itoa(c.org))
}

// lookup returns the item of the call's organization and parents that its
// path names: by id, or c-{code} for the item whose code is {code}.
func (f *family) lookup(c *call) *stored {
	raw := c.pathParam(c.op.Resource.IDParam)
	if key, ok := f.paramKey(raw); ok {
		if e := f.byID[key]; e != nil && f.visible(e, c) {
			return e
		}
	}
	if code, ok := strings.CutPrefix(raw, "c-"); ok && f.has("code") {
		for _, e := range f.items {
			if cd, _ := e.v["code"].(string); cd == code && f.visible(e, c) {
				return e
			}
		}
	}
	return nil
}

// setParents sets the parents of v to the values the call's path gives
// them, as numbers where the property is one.
func (f *family) setParents(v map[string]any, c *call) {
	for _, p := range f.parents {
		raw, ok := c.op.PathParam(c.rel, p)
		if !ok {
			continue
		}
		v[p] = raw
		if s := f.tbl.at(f.props[p]); s != nil && s.Types&apispec.TypeString == 0 && s.Types&(apispec.TypeInteger|apispec.TypeNumber) != 0 {
			v[p] = json.Number(raw)
		}
	}
}

// overlay copies the fields of body that are properties of the item into
// v, except those in skip.
func (f *family) overlay(v map[string]any, body any, skip ...string) {
	obj, ok := body.(map[string]any)
	if !ok {
		return
	}
	for k, val := range obj {
		if f.has(k) && !slices.Contains(skip, k) {
			v[k] = val
		}
	}
}

// stateful serves an operation of a resource family by its role.
func (s *Server) stateful(c *call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.families[c.op.Resource.Collection]
	if f == nil {
		return s.example(c)
	}
	switch c.op.Resource.Role {
	case apispec.Create:
		return s.create(f, c)
	case apispec.ListItems:
		return f.list(c)
	}
	e := f.lookup(c)
	if e == nil {
		return specError(http.StatusNotFound)
	}
	switch c.op.Resource.Role {
	case apispec.Update:
		v := maps.Clone(e.v)
		f.overlay(v, c.doc, f.serverSet()...)
		if f.rules.updated != nil {
			f.rules.updated(e.v, v)
		}
		if errs := f.check([]map[string]any{v}, e, func(_ int, field string) string { return field }); len(errs) > 0 {
			return badRequest(errs)
		}
		if f.has("updated_at") {
			v["updated_at"] = f.timeValue("updated_at", s.now())
		}
		e.v = v
	case apispec.Delete:
		f.remove(e)
	}
	return f.answer(c.op, e)
}

// create serves a create: one item built from the body, or, when the
// operation creates a batch (its body holds the items in an array that
// its answer returns, as POST /webhooks does with "items"), one per
// element, all or none. Each item has the body's fields that are
// properties of the item, the example's values of the required properties
// the body lacks, and the id, org_id and timestamps storage gives it.
func (s *Server) create(f *family, c *call) *response {
	field := f.tbl.batchField(c.op)
	bodies := []any{c.doc}
	at := func(_ int, name string) string { return name }
	if field != "" {
		obj, _ := c.doc.(map[string]any)
		bodies, _ = obj[field].([]any)
		at = func(i int, name string) string { return fmt.Sprintf("%s[%d].%s", field, i, name) }
	}
	vs := make([]map[string]any, len(bodies))
	skip := f.serverSet()
	for i, body := range bodies {
		vs[i] = f.tbl.requiredOf(f.item, "") // the start of a created item
		for _, k := range append([]string{f.idName, "org_id", "created_at", "updated_at"}, f.parents...) {
			delete(vs[i], k)
		}
		f.overlay(vs[i], body, skip...)
		f.setParents(vs[i], c)
	}
	stored, errs := s.store(f, vs, c.org, at)
	if len(errs) > 0 {
		return badRequest(errs)
	}
	if field == "" {
		return f.answer(c.op, stored[0])
	}
	answer := f.tbl.requiredOf(c.op.Success.Schema, c.op.Success.Example)
	items := make([]any, len(stored))
	for i, e := range stored {
		items[i] = f.public(e.v)
	}
	answer[field] = items
	return marshalResponse(successStatus(c.op), answer)
}

// store checks vs against the family's rules and stores them, all or
// none, in the organization org unless they have an org_id. at locates a
// field of the i-th item in the errors. The caller holds s.mu.
func (s *Server) store(f *family, vs []map[string]any, org int, at func(i int, field string) string) ([]*stored, FieldErrors) {
	for _, v := range vs {
		if _, ok := v["org_id"]; !ok && f.orgScoped() {
			v["org_id"] = json.Number(strconv.Itoa(org))
		}
	}
	if errs := f.check(vs, nil, at); len(errs) > 0 {
		return nil, errs
	}
	out, i, err := f.addAll(vs, org, s.now())
	if err != nil {
		return nil, FieldErrors{at(i, f.idName): {err.Error()}}
	}
	return out, nil
}

// batchField returns the array property of op's body that holds the items
// of a batch create, or "" when op creates one item: the body's array of
// objects that the success answer returns as an array of the family's
// items under the same name.
func (t schemaTable) batchField(op *apispec.Operation) string {
	body, answer := map[string]int{}, map[string]int{}
	t.properties(op.Body.Schema, body, 0)
	t.properties(op.Success.Schema, answer, 0)
	for _, name := range sortedKeys(body) {
		a, b := t.at(answer[name]), t.at(body[name])
		if _, ok := answer[name]; ok && a != nil && b != nil && b.Items >= 0 && a.Items == op.Resource.Item {
			return name
		}
	}
	return ""
}

// check returns the problems the family's rules find in vs, the items to
// create or the new value of the item self.
func (f *family) check(vs []map[string]any, self *stored, at func(i int, field string) string) FieldErrors {
	if f.rules.check == nil {
		return nil
	}
	return f.rules.check(f, vs, self, at)
}

// answer answers the stored item without its writeOnly properties when
// the operation returns an item; else the spec's example, without its
// writeOnly properties, with the item's fields when the answer has every
// property of the item (a user with more), or with its id only where the
// answer has one (a 202 names what it accepted).
func (f *family) answer(op *apispec.Operation, e *stored) *response {
	if op.Resource.ItemInResponse {
		return marshalResponse(successStatus(op), f.public(e.v))
	}
	v, err := decodeObject([]byte(op.Success.Example))
	if err != nil || !bodyAllowed(successStatus(op)) {
		return successExample(op)
	}
	props, all := map[string]int{}, true
	f.tbl.properties(op.Success.Schema, props, 0)
	for k := range f.props {
		_, ok := props[k]
		all = all && ok
	}
	for k, x := range f.public(e.v) {
		if _, ok := props[k]; ok && (all || k == f.idName) {
			v[k] = x
		}
	}
	// The example may show what an answer never holds.
	return marshalResponse(successStatus(op), f.tbl.public(op.Success.Schema, v, 0))
}

// successStatus is the operation's success status (200 if the spec
// declares none).
func successStatus(op *apispec.Operation) int {
	if op.Success.Status == 0 {
		return http.StatusOK
	}
	return op.Success.Status
}

// The query parameters that page or scope a list rather than filter it.
var listParams = []string{"org_id", "page", "per_page", "cursor"}

// list serves a list operation: the items of the call's organization
// that match the filters, one page at a time.
func (f *family) list(c *call) *response {
	op := c.op
	var filters []string // the query parameters that select items by a property
	for _, p := range op.Params {
		if p.In == "query" && !slices.Contains(listParams, p.Name) && f.has(p.Name) && f.tbl.scalar(p.Schema) && len(c.query[p.Name]) == 1 {
			filters = append(filters, p.Name)
		}
	}
	var matched []any
	for _, e := range f.sorted() {
		keep := f.visible(e, c)
		for _, name := range filters {
			keep = keep && equalsParam(e.v[name], c.query.Get(name))
		}
		if keep {
			matched = append(matched, f.public(e.v))
		}
	}
	count := int64(len(matched))
	perPage := intParam(op, c.query, "per_page", DefaultPerPage)
	answer := f.tbl.requiredOf(op.Success.Schema, op.Success.Example)
	field := op.List.Field
	if field == "" {
		field = "items"
	}
	switch op.List.Style {
	case apispec.CursorList, apispec.NextList:
		var offset int64
		if raw := c.query.Get("cursor"); raw != "" {
			var ok bool
			if offset, ok = decodeCursor(raw); !ok {
				return badRequest(FieldErrors{"cursor": {fmt.Sprintf("Not a valid cursor: %q; give the next_cursor or follow the next link of the previous page.", raw)}})
			}
		}
		start, end := window(offset, perPage, count)
		next, link := "next_cursor", any(encodeCursor(end))
		if op.List.Style == apispec.NextList {
			next, link = "next", nextLink(c, encodeCursor(end))
		}
		answer["count"], answer[next] = count, nil
		if end < count {
			answer[next] = link
		}
		answer[field] = pageItems(matched, start, end)
	default:
		page := intParam(op, c.query, "page", 1)
		start, end, maxPage := pageWindow(page, perPage, count)
		answer["page"], answer["max_page"], answer["count"] = page, maxPage, count
		answer[field] = pageItems(matched, start, end)
	}
	return marshalResponse(successStatus(op), answer)
}

// pageWindow returns the bounds of page (from 1) of perPage items among
// count, and the last page, at least 1; a page past it is empty.
func pageWindow(page, perPage, count int64) (start, end, maxPage int64) {
	maxPage = max(1, count/perPage+min(1, count%perPage))
	if page > maxPage {
		return count, count, maxPage
	}
	start, end = window((page-1)*perPage, perPage, count)
	return start, end, maxPage
}

// window returns the bounds of the perPage items from offset among count.
func window(offset, perPage, count int64) (int64, int64) {
	start := min(offset, count)
	return start, start + min(perPage, count-start)
}

// pageItems returns the items from start to end, never nil.
func pageItems(items []any, start, end int64) []any {
	return append([]any{}, items[start:end]...)
}

// DefaultPageSize returns the number of items a page of the list
// operation operationID holds when the request gives no per_page: the
// default the spec declares for per_page, else [DefaultPerPage]; 0 when the
// server serves no such operation.
func (s *Server) DefaultPageSize(operationID string) int {
	e := s.engine
	if e == nil {
		e = newEngine(apispec.Operations[:], true, nil)
	}
	op := e.operation(operationID)
	if op == nil {
		return 0
	}
	return int(intParam(op, url.Values{}, "per_page", DefaultPerPage))
}

// intParam returns the query parameter name as an integer, else its
// schema's default, else def.
func intParam(op *apispec.Operation, query interface{ Get(string) string }, name string, def int64) int64 {
	if n, err := strconv.ParseInt(query.Get(name), 10, 64); err == nil && n > 0 {
		return n
	}
	for i := range op.Params {
		p := &op.Params[i]
		d, ok := p.Default()
		if n, err := strconv.ParseInt(d, 10, 64); ok && err == nil && n > 0 && p.In == "query" && p.Name == name {
			return n
		}
	}
	return def
}

// scalar reports whether schema idx is a string, number, integer or
// boolean.
func (t schemaTable) scalar(idx int) bool {
	s := t.at(idx)
	return s != nil && s.Types != 0 && s.Types&(apispec.TypeArray|apispec.TypeObject) == 0
}

// equalsParam reports whether v, a decoded JSON value, equals the query
// parameter value raw.
func equalsParam(v any, raw string) bool {
	switch x := v.(type) {
	case string:
		return x == raw
	case bool:
		return strconv.FormatBool(x) == raw
	case json.Number:
		// Integers compare exactly: ids above 2^53 have no float64.
		if a, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			b, err := strconv.ParseInt(raw, 10, 64)
			return err == nil && a == b
		}
		a, err1 := strconv.ParseFloat(string(x), 64)
		b, err2 := strconv.ParseFloat(raw, 64)
		return err1 == nil && err2 == nil && a == b
	}
	return false
}

// requiredOf returns the properties schema idx requires, with the values
// of example, a JSON object, or else of the schema's example.
func (t schemaTable) requiredOf(idx int, example string) map[string]any {
	if s := t.at(idx); s != nil && example == "" {
		example = s.Example
	}
	out := map[string]any{}
	ex, _ := decodeObject([]byte(example))
	req := map[string]bool{}
	t.required(idx, req, 0)
	for name := range req {
		if v, ok := ex[name]; ok {
			out[name] = v
		}
	}
	return out
}

const cursorPrefix = "offset:"

// nextLink is the absolute URL of the call's request with cursor as its
// cursor parameter: the next link of a next-link list.
func nextLink(c *call, cursor string) string {
	q := maps.Clone(c.query)
	q.Set("cursor", cursor)
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: c.r.Host, Path: c.r.URL.Path, RawPath: c.r.URL.RawPath, RawQuery: q.Encode()}).String()
}

func encodeCursor(offset int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(offset, 10)))
}

func decodeCursor(raw string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n >= 0
}

// jsonText renders v for a message.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// Resources returns the items of the resource family whose collection path
// template is collection (such as "/webhooks"; see [Server.Operations]),
// of every organization, in list order. It returns nil for a collection
// the server has no family for.
func (s *Server) Resources(collection string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.families[collection]
	if f == nil {
		return nil
	}
	var out []json.RawMessage
	for _, e := range f.sorted() {
		b, _ := json.Marshal(e.v)
		out = append(out, b)
	}
	return out
}

// AddResource seeds the resource family whose collection path template is
// collection (such as "/webhooks") with items, all or none, checked as the
// family's create checks what it stores: each item must encode to a JSON
// object whose keys are properties of the family's item, by their exact
// names, valid against the item's schema in the spec and within the
// family's rules (for webhooks: the URL rule, and one webhook per event
// type and organization among those stored and items). Unlike a create, an
// item may set what storage fills: the id (else the next free one), org_id
// (else [Server.OrgID]), created_at and updated_at (else now; updated_at
// takes created_at); a null, 0 or "" in those four, as a Go struct's zero
// value encodes, counts as absent. It returns the items as stored. It fails
// for an unknown collection; a refused item is a [FieldErrors] naming it
// and its field ("items[1].url"), wrapped.
func (s *Server) AddResource(collection string, items ...any) ([]json.RawMessage, error) {
	at := func(i int, field string) string {
		return strings.TrimSuffix(fmt.Sprintf("items[%d].%s", i, field), ".")
	}
	var errs FieldErrors
	vs := make([]map[string]any, len(items))
	for i, item := range items {
		b, err := json.Marshal(item)
		if err == nil {
			vs[i], err = decodeObject(b)
		}
		if err != nil {
			errs = errs.add(at(i, ""), fmt.Sprintf("Must be a JSON object: %v.", err))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.families[collection]
	if f == nil {
		return nil, fmt.Errorf("AddResource: collection %q is not a resource family of the server (known: %s)", collection, strings.Join(sortedKeys(s.families), ", "))
	}
	for i, v := range vs {
		if v != nil {
			errs = f.checkSeed(s.engine.validator, v, errs, func(field string) string { return at(i, field) })
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("AddResource %q: %w", collection, errs)
	}
	added, errs := s.store(f, vs, s.OrgID, at)
	if len(errs) > 0 {
		return nil, fmt.Errorf("AddResource %q: %w", collection, errs)
	}
	out := make([]json.RawMessage, len(added))
	for i, e := range added {
		out[i], _ = json.Marshal(e.v) // decoded JSON always encodes
	}
	return out, nil
}

// checkSeed adds to errs the problems of v as an item to seed: a key that
// is not a property of the item, and what the item's schema refuses
// (checked by val), except the absence of what storage fills. A Go zero
// value in those is removed from v first, to be filled.
func (f *family) checkSeed(val apispec.Validator, v map[string]any, errs FieldErrors, at func(field string) string) FieldErrors {
	filled := []string{f.idName, "org_id", "created_at", "updated_at"}
	for _, k := range filled {
		if x, ok := v[k]; ok && (x == nil || x == "" || x == json.Number("0")) {
			delete(v, k)
		}
	}
	for _, k := range sortedKeys(v) {
		if !f.has(k) && f.item != apispec.NoSchema {
			errs = errs.add(at(k), fmt.Sprintf("Unknown field %q: the item's properties are %s.", k, strings.Join(sortedKeys(f.props), ", ")))
		}
	}
	for _, vi := range val.Validate(f.item, v, "") {
		if vi.Keyword != "required" || !slices.Contains(filled, vi.Location) {
			errs = errs.add(at(vi.Location), vi.Message)
		}
	}
	return errs
}
