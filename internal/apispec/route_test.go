package apispec

import (
	"slices"
	"testing"
)

func TestRoute(t *testing.T) { // not parallel: AllocsPerRun
	ops := []Operation{
		{ID: "list", Method: "GET", Path: "/things"},
		{ID: "create", Method: "POST", Path: "/things"},
		{ID: "get", Method: "GET", Path: "/things/{id}"},
		{ID: "put", Method: "PUT", Path: "/things/{id}"},
		{ID: "try", Method: "POST", Path: "/things/tryout"},
	}
	tests := []struct {
		method, rel, want string
		allowed           []string
	}{
		{"GET", "/things", "list", []string{"GET", "POST"}},
		{"GET", "things/3", "get", []string{"GET", "PUT"}},
		{"POST", "/things/tryout", "try", []string{"GET", "POST", "PUT"}},
		{"GET", "/things/tryout", "get", []string{"GET", "POST", "PUT"}},
		{"DELETE", "/things/3", "", []string{"GET", "PUT"}},
		{"GET", "/things/", "", nil},
		{"GET", "/other", "", nil},
	}
	for _, tt := range tests {
		got := ""
		if op := Route(ops, tt.method, tt.rel); op != nil {
			got = op.ID
		}
		if got != tt.want {
			t.Errorf("Route(%s %s) = %q, want %q", tt.method, tt.rel, got, tt.want)
		}
		if allowed := Allowed(ops, tt.rel); !slices.Equal(allowed, tt.allowed) {
			t.Errorf("Allowed(%s) = %q, want %q", tt.rel, allowed, tt.allowed)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Route(Operations[:], "GET", "/webhooks/3") }); n != 0 {
		t.Errorf("Route allocates %v times, want 0", n)
	}
}

func TestCheckParams(t *testing.T) { // not parallel: AllocsPerRun
	op := &Operations[OpGetWebhookList]
	query := map[string][]string{"per_page": {"500"}, "page": {"x"}}
	got := op.CheckParams("/webhooks", func(name string) []string { return query[name] }, nil, nil)
	var where []string
	for _, v := range got {
		where = append(where, v.Param.In+" "+v.Location+" "+v.Keyword)
	}
	if want := []string{"query page type", "query per_page maximum"}; !slices.Equal(where, want) {
		t.Errorf("violations %q, want %q", where, want)
	}
	skipQuery := func(p *Param) bool { return p.In == "query" }
	if got := op.CheckParams("/webhooks", func(name string) []string { return query[name] }, nil, skipQuery); len(got) != 0 {
		t.Errorf("skipped parameters checked: %v", got)
	}
	get := &Operations[OpGetWebhook]
	if got := get.CheckParams("/webhooks/abc", nil, nil, nil); len(got) != 1 || got[0].Location != "webhook_id" {
		t.Errorf("path parameter: %v, want one violation on webhook_id", got)
	}
	if v, ok := get.PathParam("/webhooks/a%20b", "webhook_id"); !ok || v != "a b" {
		t.Errorf("PathParam = %q, %t", v, ok)
	}
	if n := testing.AllocsPerRun(100, func() { get.CheckParams("/webhooks/3", nil, nil, nil) }); n != 0 {
		t.Errorf("CheckParams of valid parameters allocates %v times, want 0", n)
	}
}
