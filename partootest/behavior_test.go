package partootest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// Example operations answer the spec's example, after the same checks.
func TestExampleBehavior(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	tests := []struct {
		key, method, path, body string
		want                    int
		wantBody                string
	}{
		{srv.APIKey, "GET", "/ping", "", 200, `{"pong":true}`},
		{srv.APIKey, "POST", "/noop", "", 204, ""},
		{"", "GET", "/ping", "", 401, `{"errors":{"authentication":"User not authenticated"}}`},
	}
	for _, tt := range tests {
		r := call(t, srv, tt.key, tt.method, tt.path, "", tt.body)
		if r.Status != tt.want || r.Body != tt.wantBody {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, r.Status, r.Body, tt.want, tt.wantBody)
		}
		if ct := r.Header.Get("Content-Type"); (r.Body != "") != (ct == "application/json") {
			t.Errorf("%s %s: Content-Type %q with body %q", tt.method, tt.path, ct, r.Body)
		}
	}

	// On the spec's operations: without its override, the tryout is an
	// example operation whose body is still validated.
	plain := partootest.NewTestServer(t, partootest.WithoutRules())
	tryout := apispec.Operations[apispec.OpTryoutWebhooks]
	r := call(t, plain, plain.APIKey, "POST", "/webhooks/tryout", "", `{"items":[{"url":"https://a.example","event_type":"lead_received"}]}`)
	if r.Status != tryout.Success.Status || !cmp.Equal(decodeJSON(t, r.Body), decodeJSON(t, tryout.Success.Example)) {
		t.Errorf("tryout: %d %s, want %d %s", r.Status, r.Body, tryout.Success.Status, tryout.Success.Example)
	}
	if r := call(t, plain, plain.APIKey, "POST", "/webhooks/tryout", "", `{"items":[{"url":"https://a.example"}]}`); r.Status != 400 {
		t.Errorf("invalid tryout: %d %s, want 400", r.Status, r.Body)
	}
	if len(plain.Deliveries()) != 0 {
		t.Error("the example behaviour recorded a tryout")
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	got := srv.Operations()
	if len(got) != len(apispec.Operations) {
		t.Fatalf("%d operations, want the spec's %d", len(got), len(apispec.Operations))
	}
	overridden := map[string]bool{"tryoutWebhooks": true}
	generic := func(op *apispec.Operation) partootest.Behavior {
		if op.Resource.Role != apispec.NoRole {
			return partootest.Stateful
		}
		return partootest.Example
	}
	for i, info := range got {
		op := &apispec.Operations[i]
		want := partootest.OperationInfo{ID: op.ID, Method: op.Method, Path: op.Path, Behavior: generic(op)}
		if overridden[op.ID] {
			want.Behavior = partootest.Override // the tryout
		}
		if info != want {
			t.Errorf("operation %d: %+v, want %+v", i, info, want)
		}
	}
	var zero partootest.Server
	if diff := cmp.Diff(got, zero.Operations()); diff != "" {
		t.Errorf("a zero Server's Operations differ (-NewServer +zero):\n%s", diff)
	}

	plain := partootest.NewTestServer(t, partootest.WithoutRules())
	for i, info := range plain.Operations() {
		want := generic(&apispec.Operations[i])
		if info.Behavior != want {
			t.Errorf("without rules, %s is %s, want %s", info.ID, info.Behavior, want)
		}
	}

	custom := partootest.NewTestServer(t, partootest.WithOperations(ops(t)...))
	behaviors := map[string]partootest.Behavior{}
	for _, info := range custom.Operations() {
		behaviors[info.ID] = info.Behavior
	}
	want := map[string]partootest.Behavior{
		"createBusiness": partootest.Stateful, "searchBusinesses": partootest.Stateful, "getBusiness": partootest.Stateful,
		"updateBusiness": partootest.Stateful, "deleteBusiness": partootest.Stateful, "listLeads": partootest.Stateful,
		"getLead": partootest.Stateful, "ping": partootest.Example, "noop": partootest.Example,
	}
	if diff := cmp.Diff(want, behaviors); diff != "" {
		t.Errorf("behaviours (-want +got):\n%s", diff)
	}
}
