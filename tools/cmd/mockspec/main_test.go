package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const specPath = "../../../api/openapi-bundled.yaml"

// mutate writes a copy of the spec with old replaced by new (which must
// occur) and returns its path.
func mutate(t *testing.T, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("the spec no longer contains %q: update the test", old)
	}
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenerateFromTheSpec(t *testing.T) {
	t.Parallel()
	src, err := generate(specPath, "rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{Name: "per_page", In: "query", Type: "integer", Required: false, HasMinimum: true, Minimum: 1, HasMaximum: true, Maximum: 100}`,
		`{Name: "page", In: "query", Type: "integer", Required: false, HasMinimum: true, Minimum: 1}`,
		`{Name: "webhook_id", In: "path", Type: "integer", Required: true}`,
		`{Path: "items[]", Type: "object", Required: []string{"event_type", "url"}}`,
		`{Path: "items[].custom_headers", Type: "object", CustomHeaders: true}`,
		`{Path: "url", Type: "string", Pattern: "^https://"}`,
		`"lead_received"`,
		`return []byte("{\"errors\":{\"authentication\":\"User not authenticated\"}}"), true`,
		`return []byte("{\"error\":{\"json\":{}}}"), true`,
		"DO NOT EDIT",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated code lacks %s", want)
		}
	}
	again, err := generate(specPath, "rules")
	if err != nil || !bytes.Equal(src, again) {
		t.Errorf("two runs differ (err %v): the output must be deterministic", err)
	}
	committed, err := os.ReadFile("../../../internal/mockapi/rules/rules.gen.go")
	if err != nil || !bytes.Equal(src, committed) {
		t.Errorf("internal/mockapi/rules/rules.gen.go is not what the spec generates (err %v): run make generate", err)
	}
}

func TestGenerateFollowsTheSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, old, new, want string
	}{
		{
			name: "per_page maximum",
			old:  "        minimum: 1\n        maximum: 100\n",
			new:  "        minimum: 1\n        maximum: 50\n",
			want: `HasMaximum: true, Maximum: 50}`,
		},
		{
			name: "update URL pattern",
			old:  "pattern: ^https://\n",
			new:  "pattern: ^https://[a-z]\n",
			want: `Pattern: "^https://[a-z]"`,
		},
		{
			name: "401 default message",
			old:  "default: User not authenticated",
			new:  "default: Who are you?",
			want: `Who are you?`,
		},
		{
			name: "new enum value",
			old:  "        - lead_received\n      example: business_created",
			new:  "        - lead_received\n        - review_created\n      example: business_created",
			want: `"review_created"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, err := generate(mutate(t, tt.old, tt.new), "rules")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(src), tt.want) {
				t.Errorf("generated code lacks %s", tt.want)
			}
		})
	}
}

func TestGenerateRefusesWhatItCannotEnforce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, old, new, want string
	}{
		{
			name: "unknown keyword on a parameter schema",
			old:  "        minimum: 1\n        maximum: 100\n",
			new:  "        minimum: 1\n        maximum: 100\n        multipleOf: 10\n",
			want: "multipleOf",
		},
		{
			name: "format on a body string",
			old:  "          pattern: ^https://\n",
			new:  "          pattern: ^https://\n          format: uri\n",
			want: "format",
		},
		{
			name: "pattern Go cannot compile",
			old:  "pattern: ^https://\n",
			new:  "pattern: ^https://(?!localhost)\n",
			want: "not RE2-compatible",
		},
		{
			name: "pattern with escapes",
			old:  "pattern: ^https://\n",
			new:  "pattern: ^https://\\w\n",
			want: "escapes",
		},
		{
			name: "parameter in a header",
			old:  "      name: org_id\n      in: query\n",
			new:  "      name: org_id\n      in: header\n",
			want: `parameters in "header"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := generate(mutate(t, tt.old, tt.new), "rules")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}
