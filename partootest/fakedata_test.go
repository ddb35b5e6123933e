package partootest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// schema returns an object schema with every limit unset, changed by f.
func schema(f func(s *apispec.Schema)) apispec.Schema {
	s := apispec.Schema{MaxLength: apispec.Unset, Pattern: apispec.NoSchema, Items: apispec.NoSchema, MaxItems: apispec.Unset,
		AdditionalProperties: apispec.AnyProperties, PropertyNames: apispec.NoSchema, MaxProperties: apispec.Unset}
	f(&s)
	return s
}

// The schemas of the invented spec of dataSpec, by index.
const (
	sAccount = iota
	sReadOnlyInt
	sString
	sInt
	sWriteOnlyString
	sReadOnlyString
	sOrg
	sGroup
	sGroupBody
	sExport
	sAccepted
	sAccountPage
	sAccounts
	sAccountMore
	sCreds
	sSecret
	sSecrets
)

// dataSpec is an invented spec in Partoo's shapes: an account whose
// create schema requires its readOnly id and takes a writeOnly password,
// also nested (in an object, its allOf part, and array items),
// an organization identified by org_id, groups nested in sections, an
// export accepted with a 202, and answers that are not JSON. Its schemas
// follow the spec's in the table it returns (see shift).
func dataSpec(t *testing.T) ([]apispec.Schema, []apispec.Operation) {
	props := func(ps ...apispec.Property) func(s *apispec.Schema) {
		return func(s *apispec.Schema) { s.Types, s.Properties = apispec.TypeObject, ps }
	}
	with := func(base func(s *apispec.Schema), f func(s *apispec.Schema)) apispec.Schema {
		return schema(func(s *apispec.Schema) { base(s); f(s) })
	}
	schemas := []apispec.Schema{
		sAccount: with(props(apispec.Property{Name: "created_at", Schema: sReadOnlyString}, apispec.Property{Name: "creds", Schema: sCreds},
			apispec.Property{Name: "external_id", Schema: sInt}, apispec.Property{Name: "id", Schema: sReadOnlyInt},
			apispec.Property{Name: "keys", Schema: sSecrets}, apispec.Property{Name: "name", Schema: sString},
			apispec.Property{Name: "org_id", Schema: sInt}, apispec.Property{Name: "password", Schema: sWriteOnlyString}),
			func(s *apispec.Schema) {
				s.Required = []string{"id", "name"}
				s.Example = `{"created_at":"2024-11-27T16:10:44Z","id":1,"name":"Example","org_id":1}`
			}),
		sReadOnlyInt:     schema(func(s *apispec.Schema) { s.Types, s.ReadOnly = apispec.TypeInteger, true }),
		sString:          schema(func(s *apispec.Schema) { s.Types = apispec.TypeString }),
		sInt:             schema(func(s *apispec.Schema) { s.Types = apispec.TypeInteger }),
		sWriteOnlyString: schema(func(s *apispec.Schema) { s.Types, s.WriteOnly = apispec.TypeString, true }),
		sReadOnlyString:  schema(func(s *apispec.Schema) { s.Types, s.ReadOnly = apispec.TypeString, true }),
		sOrg: with(props(apispec.Property{Name: "name", Schema: sString}, apispec.Property{Name: "org_id", Schema: sInt}),
			func(s *apispec.Schema) {
				s.Required, s.Example = []string{"name"}, `{"name":"Example group","org_id":1}`
			}),
		sGroup: with(props(apispec.Property{Name: "id", Schema: sInt}, apispec.Property{Name: "name", Schema: sString}, apispec.Property{Name: "section_id", Schema: sInt}),
			func(s *apispec.Schema) {
				s.Required, s.Example = []string{"name", "section_id"}, `{"id":1,"name":"Example","section_id":5}`
			}),
		sGroupBody: with(props(apispec.Property{Name: "name", Schema: sString}),
			func(s *apispec.Schema) { s.Required, s.Example = []string{"name"}, `{"name":"Example"}` }),
		sExport: with(props(apispec.Property{Name: "format", Schema: sString}, apispec.Property{Name: "id", Schema: sString}),
			func(s *apispec.Schema) { s.Example = `{"format":"csv","id":"example-id"}` }),
		sAccepted: with(props(apispec.Property{Name: "id", Schema: sString}, apispec.Property{Name: "status", Schema: sString}),
			func(s *apispec.Schema) { s.Example = `{"id":"example-id","status":"pending"}` }),
		sAccountPage: with(props(apispec.Property{Name: "accounts", Schema: sAccounts}, apispec.Property{Name: "count", Schema: sInt},
			apispec.Property{Name: "max_page", Schema: sInt}, apispec.Property{Name: "page", Schema: sInt}),
			func(s *apispec.Schema) { s.Example = `{"accounts":[],"count":0,"max_page":1,"page":1}` }),
		sAccounts: schema(func(s *apispec.Schema) { s.Types, s.Items = apispec.TypeArray, sAccount }),
		sAccountMore: with(props(apispec.Property{Name: "features", Schema: sString}), func(s *apispec.Schema) {
			s.AllOf, s.Example = []int{sAccount}, `{"creds":{"password":"example"},"features":"reviews","id":1,"name":"Example","password":"example"}`
		}),
		sCreds:   with(props(apispec.Property{Name: "user", Schema: sString}), func(s *apispec.Schema) { s.AllOf = []int{sSecret} }),
		sSecret:  schema(props(apispec.Property{Name: "password", Schema: sWriteOnlyString})),
		sSecrets: schema(func(s *apispec.Schema) { s.Types, s.Items = apispec.TypeArray, sSecret }),
	}
	noBody := apispec.Body{Schema: apispec.NoSchema}
	path := func(name string) apispec.Param {
		return apispec.Param{Name: name, In: "path", Required: true, Schema: sInt}
	}
	// Items are identified by id, but an organisation by org_id (it has
	// no id), as specgen decides.
	res := func(role apispec.ResourceRole, coll string, item int, idParam string, inResponse bool) apispec.Resource {
		id := map[string]string{"/org": "org_id"}[coll]
		if id == "" {
			id = "id"
		}
		return apispec.Resource{Role: role, Collection: coll, Item: item, IDParam: idParam, IDProperty: id, ItemInResponse: inResponse}
	}
	ok := func(item int) apispec.Response {
		return apispec.Response{Status: 200, Schema: item, Example: schemas[item].Example}
	}
	page := func(item int) (apispec.Response, apispec.List) {
		return ok(sAccountPage), apispec.List{Style: apispec.PageList, Field: "accounts", Item: item}
	}
	accPage, accList := page(sAccount)
	groupPage, groupList := page(sGroup)
	query := func(name string) apispec.Param { return apispec.Param{Name: name, In: "query", Schema: sInt} }
	ops := []apispec.Operation{
		{ID: "createAccount", Method: "POST", Path: "/accounts", Body: apispec.Body{Schema: sAccount, Required: true}, Success: ok(sAccount),
			Resource: res(apispec.Create, "/accounts", sAccount, "", true)},
		{ID: "searchAccounts", Method: "GET", Path: "/accounts/search", Body: noBody, Params: []apispec.Param{query("page"), query("per_page"), query("external_id")},
			Success: accPage, List: accList, Resource: res(apispec.ListItems, "/accounts", sAccount, "", false)},
		{ID: "getAccount", Method: "GET", Path: "/accounts/{account_id}", Params: []apispec.Param{path("account_id")}, Body: noBody, Success: ok(sAccount),
			Resource: res(apispec.Read, "/accounts", sAccount, "account_id", true)},
		{ID: "getAccountMore", Method: "GET", Path: "/accounts/{account_id}/more", Params: []apispec.Param{path("account_id")}, Body: noBody, Success: ok(sAccountMore),
			Resource: res(apispec.Read, "/accounts", sAccount, "account_id", false)},
		{ID: "createOrg", Method: "POST", Path: "/org", Body: apispec.Body{Schema: sOrg, Required: true}, Success: ok(sOrg),
			Resource: res(apispec.Create, "/org", sOrg, "", true)},
		{ID: "getOrg", Method: "GET", Path: "/org/{org_id}", Params: []apispec.Param{path("org_id")}, Body: noBody, Success: ok(sOrg),
			Resource: res(apispec.Read, "/org", sOrg, "org_id", true)},
		{ID: "createGroup", Method: "POST", Path: "/sections/{section_id}/groups", Params: []apispec.Param{path("section_id")},
			Body: apispec.Body{Schema: sGroupBody, Required: true}, Success: ok(sGroup), Resource: res(apispec.Create, "/sections/{section_id}/groups", sGroup, "", true)},
		{ID: "listGroups", Method: "GET", Path: "/sections/{section_id}/groups", Params: []apispec.Param{path("section_id"), query("page")}, Body: noBody,
			Success: groupPage, List: groupList, Resource: res(apispec.ListItems, "/sections/{section_id}/groups", sGroup, "", false)},
		{ID: "getGroup", Method: "GET", Path: "/sections/{section_id}/groups/{group_id}", Params: []apispec.Param{path("section_id"), path("group_id")}, Body: noBody,
			Success: ok(sGroup), Resource: res(apispec.Read, "/sections/{section_id}/groups", sGroup, "group_id", true)},
		{ID: "createExport", Method: "POST", Path: "/exports", Body: apispec.Body{Schema: sExport, Required: true},
			Success: apispec.Response{Status: 202, Schema: sAccepted, Example: schemas[sAccepted].Example}, Resource: res(apispec.Create, "/exports", sExport, "", false)},
		{ID: "downloadExport", Method: "GET", Path: "/exports/{export_id}/file", Params: []apispec.Param{{Name: "export_id", In: "path", Required: true, Schema: sString}}, Body: noBody,
			Success: apispec.Response{Status: 200, Schema: apispec.NoSchema, Example: "id,name\n1,Corner shop", Media: "text/csv"}, Resource: apispec.Resource{Item: apispec.NoSchema}},
		{ID: "downloadLogo", Method: "GET", Path: "/logo", Body: noBody,
			Success: apispec.Response{Status: 200, Schema: apispec.NoSchema, Example: "example", Media: "application/octet-stream"}, Resource: apispec.Resource{Item: apispec.NoSchema}},
		{ID: "getExport", Method: "GET", Path: "/exports/{export_id}", Params: []apispec.Param{{Name: "export_id", In: "path", Required: true, Schema: sString}}, Body: noBody,
			Success: ok(sExport), Resource: res(apispec.Read, "/exports", sExport, "export_id", true)},
	}
	return shift(t, schemas, ops)
}

// shift returns the spec's schemas followed by schemas, with the indexes
// of schemas and ops moved past the spec's, and the parameters of ops
// pointing to an integer and a string schema of the spec without rules:
// parameters are checked against the spec's table.
func shift(t *testing.T, schemas []apispec.Schema, ops []apispec.Operation) ([]apispec.Schema, []apispec.Operation) {
	t.Helper()
	base := len(apispec.Schemas)
	plain := map[int]int{}
	for i := range apispec.Schemas {
		s := &apispec.Schemas[i]
		for local, ty := range map[int]apispec.Type{sInt: apispec.TypeInteger, sString: apispec.TypeString} {
			if _, found := plain[local]; !found && s.Types == ty && !s.Constrained() && s.Default == "" {
				plain[local] = i
			}
		}
	}
	if len(plain) != 2 {
		t.Fatal("the spec has no integer or no string schema without rules")
	}
	at := func(i *int) {
		if *i >= 0 {
			*i += base
		}
	}
	for i := range schemas {
		s := &schemas[i]
		s.Properties = slices.Clone(s.Properties)
		for j := range s.Properties {
			at(&s.Properties[j].Schema)
		}
		at(&s.Items)
		for j := range s.AllOf {
			at(&s.AllOf[j])
		}
	}
	for i := range ops {
		op := &ops[i]
		at(&op.Body.Schema)
		at(&op.Success.Schema)
		at(&op.Resource.Item)
		at(&op.List.Item)
		op.Params = slices.Clone(op.Params)
		for j := range op.Params {
			op.Params[j].Schema = plain[op.Params[j].Schema]
		}
	}
	return append(slices.Clone(apispec.Schemas[:]), schemas...), ops
}

// decodeNumbers decodes a JSON object with its numbers exact.
func decodeNumbers(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, s)
	}
	return v
}

// The fake keeps what it is sent, in the spec's shapes: it neither loses
// a field nor answers one from the example in its place.
func TestFakeKeepsData(t *testing.T) {
	t.Parallel()
	schemas, ops := dataSpec(t)
	srv := partootest.NewTestServer(t, partootest.WithSchemas(schemas...), partootest.WithOperations(ops...))
	do := func(method, path, body string, status int) map[string]any {
		t.Helper()
		r := call(t, srv, srv.APIKey, method, path, "", body)
		if r.Status != status {
			t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, status)
		}
		return decodeNumbers(t, r.Body)
	}

	t.Run("readOnly required id, writeOnly password", func(t *testing.T) {
		created := do("POST", "/accounts", `{"name":"Ann","password":"s3cret","created_at":"2000-01-01T00:00:00Z",
			"creds":{"user":"ann","password":"s3cret"},"keys":[{"password":"k1"},{}]}`, 200)
		id, _ := created["id"].(json.Number)
		if id == "" || id == "1" || created["name"] != "Ann" || created["created_at"] == "2000-01-01T00:00:00Z" {
			t.Errorf("created %v: want a new id, the name sent, and the server's created_at", created)
		}
		if want := []any{map[string]any{}, map[string]any{}}; !cmp.Equal(created["creds"], any(map[string]any{"user": "ann"})) || !cmp.Equal(created["keys"], any(want)) {
			t.Errorf("created %v: want creds with its user and keys as sent, without their passwords", created)
		}
		got := do("GET", "/accounts/"+string(id), "", 200)
		if more := do("GET", "/accounts/"+string(id)+"/more", "", 200); more["name"] != "Ann" || more["features"] != "reviews" {
			t.Errorf("an answer with more than the item: %v, want the item's fields and the example's features", more)
		}
		page := do("GET", "/accounts/search", "", 200)
		more := do("GET", "/accounts/"+string(id)+"/more", "", 200)
		for what, v := range map[string]any{"create": created, "get": got, "list": page, "get with more": more} {
			if strings.Contains(jsonText(t, v), `"password"`) {
				t.Errorf("the %s answer shows the writeOnly password: %v", what, v)
			}
		}
		var stored map[string]any
		for _, raw := range srv.Resources("/accounts") {
			if v := decodeNumbers(t, string(raw)); v["id"] == id {
				stored = v
			}
		}
		if stored["password"] != "s3cret" || jsonText(t, stored["creds"]) != `{"password":"s3cret","user":"ann"}` || jsonText(t, stored["keys"]) != `[{"password":"k1"},{}]` {
			t.Errorf("stored %v: the password sent is not kept", stored)
		}
	})

	t.Run("org_id identifies an organization", func(t *testing.T) {
		created := do("POST", "/org", `{"name":"Corner Group"}`, 200)
		id, _ := created["org_id"].(json.Number)
		if id == "" || id == "1" || created["name"] != "Corner Group" || created["id"] != nil {
			t.Fatalf("created %v: want a new org_id and the name sent", created)
		}
		if got := do("GET", "/org/"+string(id), "", 200); !cmp.Equal(got, created) {
			t.Errorf("GET /org/%s: %v, want %v", id, got, created)
		}
	})

	t.Run("a nested item's parent comes from the path", func(t *testing.T) {
		created := do("POST", "/sections/7/groups", `{"name":"A"}`, 200)
		if created["section_id"] != json.Number("7") || created["name"] != "A" {
			t.Fatalf("created %v: want section_id 7 from the path", created)
		}
		id := string(created["id"].(json.Number))
		if got := do("GET", "/sections/7/groups/"+id, "", 200); !cmp.Equal(got, created) {
			t.Errorf("GET in section 7: %v, want %v", got, created)
		}
		do("GET", "/sections/5/groups/"+id, "", 404)
		page := do("GET", "/sections/7/groups", "", 200)
		if items := page["accounts"].([]any); len(items) != 1 || !cmp.Equal(items[0], any(created)) {
			t.Errorf("section 7 lists %v, want only %v", items, created)
		}
	})

	t.Run("a 202 names the item it accepted", func(t *testing.T) {
		accepted := do("POST", "/exports", `{"format":"xlsx"}`, 202)
		id, _ := accepted["id"].(string)
		if id == "" || id == "example-id" || accepted["status"] != "pending" {
			t.Fatalf("accepted %v: want the new item's id and the example's status", accepted)
		}
		if got := do("GET", "/exports/"+id, "", 200); got["format"] != "xlsx" {
			t.Errorf("GET /exports/%s: %v, want the format sent", id, got)
		}
	})

	t.Run("a body that is not JSON", func(t *testing.T) {
		for _, tt := range []struct{ path, media, body string }{
			{"/exports/e1/file", "text/csv", "id,name\n1,Corner shop"},
			{"/logo", "application/octet-stream", "example"},
		} {
			r := call(t, srv, srv.APIKey, "GET", tt.path, "", "")
			if r.Status != 200 || r.Header.Get("Content-Type") != tt.media || r.Body != tt.body {
				t.Errorf("GET %s: %d %s %q, want 200 %s %q", tt.path, r.Status, r.Header.Get("Content-Type"), r.Body, tt.media, tt.body)
			}
		}
	})

	t.Run("int64 ids and filters stay exact", func(t *testing.T) {
		for _, n := range []int64{1<<53 + 1, 1 << 53} {
			if _, err := srv.AddResource("/accounts", map[string]any{"id": n, "name": "big", "external_id": n}); err != nil {
				t.Fatal(err)
			}
		}
		if got := do("GET", "/accounts/9007199254740993", "", 200); got["id"] != json.Number("9007199254740993") {
			t.Errorf("GET 2^53+1: %v", got)
		}
		page := do("GET", "/accounts/search?external_id=9007199254740993", "", 200)
		if items := page["accounts"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != json.Number("9007199254740993") {
			t.Errorf("external_id=2^53+1 matched %v, want the one item", items)
		}
	})
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
