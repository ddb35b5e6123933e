package partoo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/partoo-go/partoo/internal/apispec"
)

// A helper whose operation answers a body that is not JSON (a CSV file)
// gets the body's bytes as they are.
func TestCallTakesBytes(t *testing.T) {
	t.Parallel()
	const csv = "id,name\n1,Corner shop\n"
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte(csv))
	}))
	defer s.Close()
	c, err := NewClient("test-key", WithBaseURL(s.URL+"/v2"), WithTransport(s.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	op := &apispec.Operations[apispec.OpGetWebhookList]
	req, err := http.NewRequest(http.MethodGet, s.URL+"/v2"+op.Path, nil)
	var out []byte
	if err := c.call(context.Background(), op, req, err, goTypesOnly, &out, nil); err != nil || string(out) != csv {
		t.Errorf("call: %q, %v; want the body %q", out, err, csv)
	}
}
