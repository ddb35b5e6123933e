package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/partootest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestRunWithoutKey runs the demo as `make demo` does: no key, the
// in-process fake, no network beyond loopback.
func TestRunWithoutKey(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, env(nil), false); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"using a fake Partoo API running in this process at http://127.0.0.1:",
		"1. Create a webhook with custom headers",
		"created #1 business_updated -> https://example.com/partoo-quickstart (org 1), custom headers X-Auth-Token (values hidden)",
		"2. A validation error, caught before anything is sent",
		`custom header "X-Partoo-Token": the X-Partoo prefix is reserved`,
		"3. List the webhooks",
		"1 webhook(s)",
		"4. Get webhook 1",
		"5. Update webhook 1",
		"https://example.com/partoo-quickstart/v2 (org 1), custom headers X-Auth-Token, X-Env (values hidden)",
		"6. Try out a webhook configuration",
		"event_type: business_updated",
		"receiver got a business_updated event (tryout), signature verified",
		"delivered: true",
		"7. A webhook that does not exist: a typed error",
		"errors.Is(err, partoo.ErrNotFound) == true; status 404",
		"Done.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"a-shared-secret", "a-new-secret"} {
		if strings.Contains(got, secret) {
			t.Errorf("output shows the custom header value %q", secret)
		}
	}
}

// TestWalkthroughReadOnly is the real-API path without -write, run against
// the fake: it must only read.
func TestWalkthroughReadOnly(t *testing.T) {
	srv := partootest.NewTestServer(t)
	var out bytes.Buffer
	if err := walkthrough(context.Background(), &out, srv.Client(), false, defaultWebhookURL, "", nil); err != nil {
		t.Fatalf("walkthrough: %v\n%s", err, out.String())
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("read-only walkthrough sent %s %s", r.Method, r.Path)
		}
	}
	if n := len(srv.Webhooks()); n != 0 {
		t.Errorf("read-only walkthrough left %d webhooks", n)
	}
	if !strings.Contains(out.String(), "0 webhook(s)") || strings.Contains(out.String(), "Create") {
		t.Errorf("unexpected output:\n%s", out.String())
	}
}

func TestRealClient(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		wantURL string
		wantErr string
	}{
		{name: "production by default", vars: map[string]string{"PARTOO_API_KEY": "k"}, wantURL: partoo.Production.String()},
		{name: "sandbox", vars: map[string]string{"PARTOO_API_KEY": "k", "PARTOO_SERVER": "sandbox"}, wantURL: partoo.Sandbox.String()},
		{name: "production spelled out", vars: map[string]string{"PARTOO_API_KEY": "k", "PARTOO_SERVER": "Production"}, wantURL: partoo.Production.String()},
		{name: "unknown server", vars: map[string]string{"PARTOO_API_KEY": "k", "PARTOO_SERVER": "staging"}, wantErr: `PARTOO_SERVER="staging"`},
		{name: "bad org id", vars: map[string]string{"PARTOO_API_KEY": "k", "PARTOO_ORG_ID": "x"}, wantErr: `PARTOO_ORG_ID="x"`},
		{name: "negative org id", vars: map[string]string{"PARTOO_API_KEY": "k", "PARTOO_ORG_ID": "-1"}, wantErr: "org_id -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, desc, err := realClient(env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.wantURL || desc != tt.wantURL {
				t.Errorf("base URL %q (%q), want %q", c.BaseURL(), desc, tt.wantURL)
			}
		})
	}
	// run with a bad server fails before any request.
	if err := run(context.Background(), &bytes.Buffer{}, env(map[string]string{"PARTOO_API_KEY": "k", "PARTOO_SERVER": "x"}), false); err == nil {
		t.Error("run with PARTOO_SERVER=x succeeded")
	}
}
