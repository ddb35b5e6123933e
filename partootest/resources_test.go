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
