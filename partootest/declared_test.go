package partootest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/internal/apispec"
	"github.com/partoo-go/partoo/partootest"
)

// TestAnswersOnlyDeclaredStatuses sends every operation of the spec the
// requests a client gets wrong (no key, a path that names nothing, an
// org_id that is not a number or not the key's, a PROVIDER key without
// org_id, a body that is not JSON or not valid) and checks that each
// answer has a status the operation declares: a client generated from the
// spec, in any language, has a case for it.
func TestAnswersOnlyDeclaredStatuses(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t, partootest.WithProviderKey("provider-key", 10, 11))
	param := regexp.MustCompile(`\{[^}]+\}`)
	for i := range apispec.Operations {
		op := &apispec.Operations[i]
		allowed := append([]int{op.Success.Status}, op.Errors...)
		path := op.Path
		bad := param.ReplaceAllString(path, "abc")
		path = param.ReplaceAllString(path, "999999")
		hasBody := op.Body.Schema != apispec.NoSchema
		body := ""
		if hasBody {
			body = `{}`
		}
		type probe struct {
			name, key, path, contentType, body string
		}
		probes := []probe{
			{name: "no key", path: path, body: body},
			{name: "unknown item", key: srv.APIKey, path: path, body: body},
			{name: "org_id not a number", key: srv.APIKey, path: path + "?org_id=x", body: body},
			{name: "org_id of another organization", key: srv.APIKey, path: path + "?org_id=424242", body: body},
			{name: "PROVIDER key without org_id", key: "provider-key", path: path, body: body},
		}
		if bad != path {
			probes = append(probes, probe{name: "path that names nothing", key: srv.APIKey, path: bad, body: body})
		}
		if hasBody {
			probes = append(probes,
				probe{name: "body not JSON", key: srv.APIKey, path: path, contentType: "text/plain", body: "x"},
				probe{name: "body of the wrong type", key: srv.APIKey, path: path, body: `[1]`})
		}
		if !slices.ContainsFunc(op.Errors, func(s int) bool { return s >= 400 && s <= 499 && s != http.StatusTooManyRequests }) {
			continue // it declares no 4xx: no status would be declared
		}
		for _, p := range probes {
			t.Run(fmt.Sprintf("%s %s: %s", op.Method, op.Path, p.name), func(t *testing.T) {
				r := call(t, srv, p.key, op.Method, p.path, p.contentType, p.body)
				if !slices.Contains(allowed, r.Status) {
					t.Errorf("%s %s answered %d, which %s does not declare (it declares %v): %s",
						op.Method, p.path, r.Status, op.ID, allowed, strings.TrimSpace(r.Body))
				}
			})
		}
	}
}

// TestPathThatNamesNothingIs404 pins the case a user meets first: a
// webhook id that is not a number names no webhook.
func TestPathThatNamesNothingIs404(t *testing.T) {
	t.Parallel()
	srv := partootest.NewTestServer(t)
	if r := call(t, srv, srv.APIKey, http.MethodGet, "/webhooks/abc", "", ""); r.Status != http.StatusNotFound {
		t.Errorf("GET /v2/webhooks/abc: %d %s, want 404", r.Status, r.Body)
	}
}
