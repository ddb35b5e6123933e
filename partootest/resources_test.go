package partootest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// The stateful behaviour on a family of the test's own: create, read (by
// id and by c-{code}), update, list with a cursor and a filter, delete,
// and organizations.
func TestStatefulFamily(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 0, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...), partootest.WithProviderKey("prov", 1, 2),
		partootest.WithClock(func() time.Time { return now }))

	r := call(t, srv, srv.APIKey, "POST", "/business", "", `{"name":"Shop","city":"Lyon","code":"S-1","unknown":1,"id":"abc"}`)
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	created := object(t, r.Body)
	id, _ := created["id"].(string)
	if id != "000000000000000000000001" || created["org_id"] != 1.0 || created["name"] != "Shop" || created["code"] != "S-1" || created["country"] != nil {
		t.Errorf("created %v: want a new 24-hex id, org 1, the body's fields and no optional field of the example", created)
	}
	if _, ok := created["unknown"]; ok {
		t.Error("a field that is not an item property was stored")
	}

	for _, path := range []string{"/business/" + id, "/business/c-S-1"} {
		if r := call(t, srv, srv.APIKey, "GET", path, "", ""); r.Status != 200 || !cmp.Equal(object(t, r.Body), created) {
			t.Errorf("GET %s: %d %s, want the created item", path, r.Status, r.Body)
		}
	}
	for _, tt := range []struct{ key, path string }{
		{srv.APIKey, "/business/c-NOPE"},
		{srv.APIKey, "/business/ffffffffffffffffffffffff"},
		{"prov", "/business/" + id + "?org_id=2"}, // another organization's item
	} {
		if r := call(t, srv, tt.key, "GET", tt.path, "", ""); r.Status != 404 || !cmp.Equal(decodeJSON(t, r.Body), specBody(t, 404)) {
			t.Errorf("GET %s: %d %s, want the spec's 404", tt.path, r.Status, r.Body)
		}
	}

	r = call(t, srv, srv.APIKey, "PUT", "/business/"+id, "", `{"name":"Shop 2","org_id":99,"id":"zzz"}`)
	updated := object(t, r.Body)
	if r.Status != 200 || updated["name"] != "Shop 2" || updated["id"] != id || updated["org_id"] != 1.0 || updated["city"] != "Lyon" {
		t.Errorf("update: %d %v; want the name merged, id and org_id kept", r.Status, updated)
	}

	for i := range 5 {
		city := map[bool]string{true: "Paris", false: "Lyon"}[i%2 == 0]
		if _, err := srv.AddResource("/business", map[string]any{"name": fmt.Sprintf("B%d", i), "city": city}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.AddResource("/business", map[string]any{"name": "Elsewhere", "city": "Paris", "org_id": 2}); err != nil {
		t.Fatal(err)
	}

	// Walk the cursor pages of organization 1.
	var names []string
	cursor, pages := "", 0
	for {
		q := url.Values{"per_page": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := call(t, srv, srv.APIKey, "GET", "/business/search?"+q.Encode(), "", "")
		var page struct {
			Count      int               `json:"count"`
			NextCursor *string           `json:"next_cursor"`
			Businesses []json.RawMessage `json:"businesses"`
			Type       string            `json:"type"`
			Payload    map[string]any    `json:"payload"`
		}
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &page) != nil {
			t.Fatalf("search: %d %s", r.Status, r.Body)
		}
		if page.Count != 7 || page.Type != "business_created" || page.Payload["n"] != 1.0 {
			t.Errorf("page %s: want count 7 and the required type and payload of the example", r.Body)
		}
		for _, b := range page.Businesses {
			names = append(names, object(t, string(b))["name"].(string))
		}
		if pages++; page.NextCursor == nil || pages > 10 {
			break
		}
		cursor = *page.NextCursor
	}
	// The family started with its example item, Corner shop.
	if want := []string{"Corner shop", "Shop 2", "B0", "B1", "B2", "B3", "B4"}; !cmp.Equal(names, want) || pages != 4 {
		t.Errorf("walked %d pages: %v, want 4 pages of %v", pages, names, want)
	}

	r = call(t, srv, srv.APIKey, "GET", "/business/search?city=Paris", "", "")
	var paris struct{ Businesses []struct{ Name string } }
	json.Unmarshal([]byte(r.Body), &paris)
	if got := fmt.Sprint(paris.Businesses); r.Status != 200 || got != "[{Corner shop} {B0} {B2} {B4}]" {
		t.Errorf("city=Paris: %d %s, want Corner shop, B0, B2, B4", r.Status, got)
	}
	if r := call(t, srv, srv.APIKey, "GET", "/business/search?cursor=not-a-cursor", "", ""); r.Status != 400 || len(fieldMessages(t, r.Body)["cursor"]) == 0 {
		t.Errorf("bad cursor: %d %s, want 400 on cursor", r.Status, r.Body)
	}

	r = call(t, srv, srv.APIKey, "DELETE", "/business/"+id, "", "")
	if r.Status != 204 || r.Body != "" || r.Header.Get("Content-Type") != "" {
		t.Errorf("delete: %d %q (%s), want 204 without body", r.Status, r.Body, r.Header.Get("Content-Type"))
	}
	for _, method := range []string{"GET", "DELETE"} {
		if r := call(t, srv, srv.APIKey, method, "/business/"+id, "", ""); r.Status != 404 {
			t.Errorf("%s after delete: %d", method, r.Status)
		}
	}
	if n := len(srv.Resources("/business")); n != 7 {
		t.Errorf("%d businesses stored, want 7 (the example, five added, one elsewhere)", n)
	}
}

// A family without a create operation starts with its example item, so a
// request built from the spec's examples finds it; page lists paginate it.
func TestStatefulFamilySeededFromExample(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	table := ops(t)
	example := object(t, table[6].Success.Example)
	seeded := srv.Resources("/leads")
	if len(seeded) != 1 || !cmp.Equal(object(t, string(seeded[0])), example) {
		t.Fatalf("seeded %s, want the item example %v", seeded, example)
	}
	if r := call(t, srv, srv.APIKey, "GET", fmt.Sprintf("/leads/%v", example["id"]), "", ""); r.Status != 200 || !cmp.Equal(object(t, r.Body), example) {
		t.Errorf("GET the example's id: %d %s", r.Status, r.Body)
	}
	for range 44 {
		if _, err := srv.AddResource("/leads", map[string]any{"source": "test"}); err != nil {
			t.Fatal(err)
		}
	}
	size := pageSizeOf(t, ops(t), "listLeads") // the spec's default per_page, else DefaultPerPage
	tests := []struct {
		query                     string
		page, maxPage, count, len int
	}{
		{"", 1, (45 + size - 1) / size, 45, size},
		{"?per_page=20&page=3", 3, 3, 45, 5},
		{"?per_page=20&page=4", 4, 3, 45, 0},
		{"?per_page=100", 1, 1, 45, 45},
		{"?per_page=1&page=45", 45, 45, 45, 1},
	}
	for _, tt := range tests {
		r := call(t, srv, srv.APIKey, "GET", "/leads"+tt.query, "", "")
		var got struct {
			Page, MaxPage, Count int
			Leads                []json.RawMessage
		}
		var raw map[string]json.RawMessage
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &raw) != nil {
			t.Fatalf("%s: %d %s", tt.query, r.Status, r.Body)
		}
		json.Unmarshal(raw["page"], &got.Page)
		json.Unmarshal(raw["max_page"], &got.MaxPage)
		json.Unmarshal(raw["count"], &got.Count)
		json.Unmarshal(raw["leads"], &got.Leads)
		if got.Page != tt.page || got.MaxPage != tt.maxPage || got.Count != tt.count || len(got.Leads) != tt.len || got.Leads == nil {
			t.Errorf("%s: page %d, max_page %d, count %d, %d leads; want %d, %d, %d, %d", tt.query, got.Page, got.MaxPage, got.Count, len(got.Leads), tt.page, tt.maxPage, tt.count, tt.len)
		}
	}
}

func TestAddResource(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	tests := []struct {
		name       string
		collection string
		item       any
		wantID     any // nil for an error
	}{
		{"next integer after the seeded example", "/leads", map[string]any{"source": "x"}, 2.0},
		{"an id of its own", "/leads", map[string]any{"id": 10}, 10.0},
		{"next integer after the largest", "/leads", struct{}{}, 11.0},
		{"an id written with an exponent", "/leads", json.RawMessage(`{"id":2e1}`), 20.0},
		{"an id written with a fraction of zero", "/leads", json.RawMessage(`{"id":3.0E1}`), 30.0},
		{"an id taken, written otherwise", "/leads", json.RawMessage(`{"id":200e-1}`), nil},
		{"an id with a fraction", "/leads", json.RawMessage(`{"id":40.5}`), nil},
		{"an id close to an integer", "/leads", json.RawMessage(`{"id":40.0000000000000000001}`), nil},
		{"an id beyond int64", "/leads", json.RawMessage(`{"id":9223372036854775808}`), nil},
		{"an id beyond int64 with an exponent", "/leads", json.RawMessage(`{"id":9.3e18}`), nil},
		{"an id too small to be one", "/leads", json.RawMessage(`{"id":1e-400}`), nil},
		{"a negative id with an exponent", "/leads", json.RawMessage(`{"id":-1e1}`), nil},
		{"taken id", "/leads", map[string]any{"id": 10}, nil},
		{"string id in an integer family", "/leads", map[string]any{"id": "abc"}, nil},
		{"integer id in a string family", "/business", map[string]any{"id": 5}, nil},
		{"hex counter", "/business", map[string]any{}, "000000000000000000000001"},
		{"a key not a property", "/leads", map[string]any{"sauce": "x"}, nil},
		{"a key in another case", "/leads", map[string]any{"Source": "x"}, nil},
		{"what the item's schema refuses", "/leads", map[string]any{"chatbot_id": "one"}, nil},
		{"not an object", "/leads", []int{1}, nil},
		{"not JSON", "/leads", func() {}, nil},
		{"unknown collection", "/nothing", map[string]any{}, nil},
		{"item path instead of collection", "/leads/{lead_id}", map[string]any{}, nil},
	}
	for _, tt := range tests { // in order: ids depend on the earlier rows
		t.Run(tt.name, func(t *testing.T) {
			got, err := srv.AddResource(tt.collection, tt.item)
			if tt.wantID == nil {
				if err == nil {
					t.Errorf("AddResource = %s, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := object(t, string(got[0])); v["id"] != tt.wantID {
				t.Errorf("stored %s, want id %v", got, tt.wantID)
			}
		})
	}
	if srv.Resources("/nothing") != nil {
		t.Error("Resources of an unknown collection is not nil")
	}
}

// AddResource takes an integer id however JSON writes it, exactly, and
// stores it as an integer; it names the item and its id field when the
// number is not exactly an integer of 0 or more that an int64 holds.
func TestAddResourceIntegerIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, item string
		want       string // the id stored, "" for a refusal
	}{
		{"the largest int64 with an exponent", `{"id":9.223372036854775807e18}`, "9223372036854775807"},
		{"an exponent and a fraction", `{"id":12.5e1}`, "125"},
		{"one more than the largest int64", `{"id":9.223372036854775808e18}`, ""},
		{"a fraction below the largest int64", `{"id":9223372036854775806.5}`, ""},
		{"a huge exponent", `{"id":1e999999999}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
			got, err := srv.AddResource("/leads", json.RawMessage(`{"source":"x"}`), json.RawMessage(tt.item))
			if tt.want == "" {
				var fields partootest.FieldErrors
				if !errors.As(err, &fields) || !cmp.Equal(slices.Sorted(maps.Keys(fields)), []string{"items[1].id"}) {
					t.Errorf("AddResource: %v, want a refusal of items[1].id", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var item struct{ ID json.RawMessage }
			if err := json.Unmarshal(got[1], &item); err != nil || string(item.ID) != tt.want {
				t.Errorf("stored %s, want id %s", got[1], tt.want)
			}
		})
	}
}

// The generic engine serves the spec's Webhooks family when its override
// is off: the client's helpers work against it.
func TestStatefulWebhooksWithoutOverride(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 11, 27, 16, 10, 44, 929678000, time.UTC)
	srv := partootest.NewTestServer(t, partootest.WithoutRules(), partootest.WithProviderKey("prov", 1, 2),
		partootest.WithClock(func() time.Time { return now }))
	r := call(t, srv, srv.APIKey, "POST", "/webhooks", "", `{"items":[{"url":"https://a.example","event_type":"lead_received"}]}`)
	var created struct{ Items []gen.WebhookItem }
	if r.Status != 200 || json.Unmarshal([]byte(r.Body), &created) != nil || len(created.Items) != 1 || created.Items[0].ID != 2 {
		t.Errorf("create: %d %s, want the batch of items created, id 2", r.Status, r.Body)
	}
	// Without the override, the family starts with its example, id 1.
	stored := srv.Webhooks()
	if len(stored) != 2 || stored[0].ID != 1 || stored[1].ID != 2 || stored[1].OrgID != 1 || stored[1].CreatedAt != "2024-11-27T16:10:44.929678Z" {
		t.Fatalf("stored %+v, want the example and id 2 in org 1 created now", stored)
	}
	stored = stored[1:]
	c := srv.Client()
	ctx := context.Background()
	got, err := c.Webhooks.Get(ctx, 2)
	if err != nil || !cmp.Equal(*got, stored[0]) {
		t.Errorf("Get = %+v, %v; want %+v", got, err, stored[0])
	}
	now = now.Add(time.Hour)
	newURL := "https://b.example"
	updated, err := c.Webhooks.Update(ctx, 2, gen.UpdateWebhookPayload{URL: &newURL})
	if err != nil || updated.URL != newURL || updated.UpdatedAt != "2024-11-27T17:10:44.929678Z" || updated.CreatedAt != stored[0].CreatedAt {
		t.Errorf("Update = %+v, %v", updated, err)
	}
	if _, err := srv.ClientWithKey("prov", partoo.WithOrgID(2)).Webhooks.Get(ctx, 2); !errors.Is(err, partoo.ErrNotFound) {
		t.Errorf("Get from another organization: %v, want ErrNotFound", err)
	}
	for i := range 43 {
		if _, err := srv.AddResource("/webhooks", map[string]any{"url": fmt.Sprintf("https://h%d.example", i), "event_type": "lead_received"}); err != nil {
			t.Fatal(err)
		}
	}
	srv.AddResource("/webhooks", map[string]any{"url": "https://other.example", "event_type": "lead_received", "org_id": 2})
	perPage := 7
	var ids []int
	for it, err := range c.Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	if len(ids) != 45 || ids[0] != 1 || ids[44] != 45 {
		t.Errorf("listed %d webhooks (%v), want ids 1..45 of organization 1", len(ids), ids)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	// Partoo's rules allow one webhook per event type in an organization:
	// the generic engine alone holds 45, the example (ID 1) and 44 more.
	srv := partootest.NewTestServer(t, partootest.WithoutRules(), partootest.WithProviderKey("prov", 1, 2))
	var seed []gen.WebhookItem
	for i := range 44 {
		seed = append(seed, gen.WebhookItem{URL: fmt.Sprintf("https://h%d.example", i), EventType: gen.EventTypeBusinessCreated, OrgID: 1})
	}
	addWebhooks(t, srv, seed...)

	type page struct {
		Page, MaxPage, Count, Items int
	}
	size := specPageSize(t, "getWebhookList") // the spec's default per_page, else DefaultPerPage
	tests := []struct {
		name  string
		query string
		want  page
		field string // for a 400
	}{
		{name: "defaults", query: "", want: page{1, (45 + size - 1) / size, 45, size}},
		{name: "first page of 20", query: "?per_page=20", want: page{1, 3, 45, 20}},
		{name: "last page of 20", query: "?per_page=20&page=3", want: page{3, 3, 45, 5}},
		{name: "page past max_page", query: "?per_page=20&page=4", want: page{4, 3, 45, 0}},
		{name: "huge page", query: "?per_page=100&page=9223372036854775807", want: page{9223372036854775807, 1, 45, 0}},
		{name: "per_page at the spec's maximum", query: "?per_page=100", want: page{1, 1, 45, 45}},
		{name: "per_page at the spec's minimum", query: "?per_page=1&page=45", want: page{45, 45, 45, 1}},
		{name: "empty organization", query: "?org_id=2", want: page{1, 1, 0, 0}},
		{name: "per_page 0", query: "?per_page=0", field: "per_page"},
		{name: "per_page 101", query: "?per_page=101", field: "per_page"},
		{name: "page 0", query: "?page=0", field: "page"},
		{name: "page not a number", query: "?page=two", field: "page"},
		{name: "per_page twice", query: "?per_page=1&per_page=2", field: "per_page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.query
			if !strings.Contains(q, "org_id") {
				q += map[bool]string{true: "&", false: "?"}[q != ""] + "org_id=1"
			}
			r := call(t, srv, "prov", "GET", "/webhooks"+q, "", "")
			if tt.field != "" {
				if r.Status != 400 {
					t.Fatalf("status %d (%s), want 400", r.Status, r.Body)
				}
				if _, ok := fieldMessages(t, r.Body)[tt.field]; !ok {
					t.Errorf("400 body %s has no message for %q", r.Body, tt.field)
				}
				return
			}
			if r.Status != 200 {
				t.Fatalf("status %d (%s), want 200", r.Status, r.Body)
			}
			var body struct {
				Page    *int              `json:"page"`
				MaxPage *int              `json:"max_page"`
				Count   *int              `json:"count"`
				Items   []gen.WebhookItem `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil || body.Page == nil || body.MaxPage == nil || body.Count == nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			got := page{*body.Page, *body.MaxPage, *body.Count, len(body.Items)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			for i := 1; i < len(body.Items); i++ {
				if body.Items[i].ID <= body.Items[i-1].ID {
					t.Errorf("items not sorted by ID: %d after %d", body.Items[i].ID, body.Items[i-1].ID)
				}
			}
		})
	}

	t.Run("the client's iterator walks every page", func(t *testing.T) {
		perPage := 7
		var ids []int
		for it, err := range srv.Client().Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, it.ID)
		}
		if len(ids) != 45 || ids[0] != 1 || ids[44] != 45 {
			t.Errorf("iterated %d items (%v), want IDs 1..45", len(ids), ids)
		}
	})
}

// AddResource seeds webhooks with the checks of POST /webhooks, by the
// exact names of the properties, all or none, and fills what a create
// fills where a Go struct's zero value leaves it empty.
func TestAddResourceWebhook(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	got := addWebhooks(t, srv,
		gen.WebhookItem{ID: 10, URL: "https://a.example", EventType: gen.EventTypeLeadReceived, OrgID: 5, CreatedAt: "2020-01-01T00:00:00Z"},
		gen.WebhookItem{URL: "https://b.example", EventType: gen.EventTypeLeadReceived},
	)
	if got[0].ID != 10 || got[0].UpdatedAt != "2020-01-01T00:00:00Z" || got[1].ID != 11 || got[1].OrgID != srv.OrgID || got[1].CreatedAt == "" {
		t.Errorf("AddResource stored %+v", got)
	}
	tests := []struct {
		name   string
		items  []any
		fields []string // the fields of the refusal
	}{
		{"keys in another case", []any{map[string]any{"URL": "https://c.example", "Event_Type": "business_created"}},
			[]string{"items[0].Event_Type", "items[0].URL", "items[0].event_type", "items[0].url"}},
		{"unknown event type", []any{gen.WebhookItem{URL: "https://c.example", EventType: "event_from_the_future"}}, []string{"items[0].event_type"}},
		{"URL of the wrong type", []any{map[string]any{"url": 5, "event_type": "business_created"}}, []string{"items[0].url"}},
		{"http to a public host", []any{gen.WebhookItem{URL: "http://c.example", EventType: gen.EventTypeBusinessCreated}}, []string{"items[0].url"}},
		{"second webhook for an event type", []any{gen.WebhookItem{URL: "https://c.example", EventType: gen.EventTypeMessageCreated},
			gen.WebhookItem{URL: "https://d.example", EventType: gen.EventTypeLeadReceived}}, []string{"items[1].event_type"}},
		{"taken ID", []any{gen.WebhookItem{ID: 10, URL: "https://c.example", EventType: gen.EventTypeBusinessCreated}}, []string{"items[0].id"}},
		{"negative ID", []any{gen.WebhookItem{ID: -1, URL: "https://c.example", EventType: gen.EventTypeBusinessCreated}}, []string{"items[0].id"}},
		{"not an object", []any{gen.WebhookItem{URL: "https://c.example", EventType: gen.EventTypeBusinessCreated}, []int{1}}, []string{"items[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.AddResource("/webhooks", tt.items...)
			var fields partootest.FieldErrors
			if !errors.As(err, &fields) || !cmp.Equal(slices.Sorted(maps.Keys(fields)), tt.fields) {
				t.Errorf("AddResource: %v, want a refusal of %v", err, tt.fields)
			}
			if n := len(srv.Webhooks()); n != 2 {
				t.Errorf("%d webhooks after a refusal, want the 2 seeded before", n)
			}
		})
	}
}

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
