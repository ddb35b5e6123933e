package specload

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestEffectiveRepairsTheDefectBundle applies the invented fixture's
// repairs: every action changes something, the operation without an
// operationId gets its derived name, and the 3.0 forms come out as 3.1's.
func TestEffectiveRepairsTheDefectBundle(t *testing.T) {
	t.Parallel()
	res, err := Effective(Input{Bundle: frozen(t, "defects/bundle.yaml"), Repairs: frozen(t, "defects/repairs.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if stale := stale(res); stale > 0 {
		t.Errorf("%d stale repair(s) on the fixture: %+v", stale, res.Repairs)
	}
	if len(res.Repairs) != 27 {
		t.Errorf("%d outcomes, want 27 (one per action)", len(res.Repairs))
	}
	want := []DerivedID{{Key: "DELETE /venues/{venue_id}", ID: "deleteVenuesByVenueId"}}
	if len(res.Derived) != 1 || res.Derived[0] != want[0] {
		t.Errorf("Derived = %+v, want %+v", res.Derived, want)
	}
	if res.UpgradedFrom != "3.0.0" || !bytes.HasPrefix(res.Spec, []byte(generatedHeader)) {
		t.Errorf("UpgradedFrom = %q; header present: %t", res.UpgradedFrom, bytes.HasPrefix(res.Spec, []byte(generatedHeader)))
	}
	var doc struct {
		OpenAPI    string `yaml:"openapi"`
		Components struct {
			Schemas map[string]struct {
				Required   []string                  `yaml:"required"`
				Properties map[string]map[string]any `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(res.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	venue := doc.Components.Schemas["Venue"]
	for _, tc := range []struct {
		prop, key string
		want      any
	}{
		{"manager_note", "type", []any{"string", "null"}}, // nullable: true
		{"manager_note", "examples", []any{nil}},          // example: null
		{"rating", "exclusiveMaximum", 5},                 // boolean + maximum
		{"terrace", "type", []any{"boolean", "null"}},     // a repair in 3.0's form, upgraded
		{"labels", "items", map[string]any{"type": "string"}},
		{"first_day", "format", "date"},
		{"motto", "examples", []any{"Always open"}},
	} {
		if got := venue.Properties[tc.prop][tc.key]; !equal(got, tc.want) {
			t.Errorf("Venue.%s.%s = %#v, want %#v", tc.prop, tc.key, got, tc.want)
		}
	}
	if _, ok := venue.Properties["rating"]["maximum"]; ok {
		t.Error("Venue.rating keeps maximum beside a numeric exclusiveMaximum")
	}
	if got := strings.Join(venue.Required, ","); got != "name,postcode" {
		t.Errorf("Venue.required = %q, want name,postcode", got)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	// 3.0 ignores a $ref's siblings: they are gone from the 3.1 form,
	// not from the repaired form and its tree, which spec-lint reads.
	tree, err := yaml.Marshal(res.Tree)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res.Spec, []byte("ignored beside $ref")) || !bytes.Contains(res.Repaired, []byte("ignored beside $ref")) || !bytes.Contains(tree, []byte("ignored beside $ref")) {
		t.Error("the sibling of a $ref is kept in the 3.1 form, or lost from the repaired form or its tree")
	}
	// The repaired form, what spec-lint reads, stays in 3.0's terms.
	if !bytes.Contains(res.Repaired, []byte("openapi: 3.0.0")) || !bytes.Contains(res.Repaired, []byte("nullable: true")) {
		t.Error("Repaired is not the 3.0 document")
	}
}

// stale counts the repairs that no longer change anything.
func stale(res *Result) int {
	n := 0
	for _, o := range res.Repairs {
		if !o.Changed {
			n++
		}
	}
	return n
}

func equal(a, b any) bool {
	ab, _ := yaml.Marshal(a)
	bb, _ := yaml.Marshal(b)
	return bytes.Equal(ab, bb)
}

// TestEffectiveRefusesAndReports covers the overlay's failure modes and
// the stale repair.
func TestEffectiveRefusesAndReports(t *testing.T) {
	t.Parallel()
	bundle := frozen(t, "webhooks-openapi.yaml")
	head := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
	tests := []struct {
		name    string
		repairs string
		wantErr string
		stale   int
	}{
		{name: "no file", repairs: ""},
		{name: "no action", repairs: "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n"},
		{name: "target matches nothing", repairs: head + "  - target: $.components.schemas.Nowhere\n    description: gone\n    remove: true\n", wantErr: "matches nothing"},
		{name: "no reason", repairs: head + "  - target: $.info\n    update: {title: x}\n", wantErr: "has no description"},
		{name: "neither update nor remove", repairs: head + "  - target: $.info\n    description: why\n", wantErr: "neither updates nor removes"},
		{name: "fixed by Partoo", repairs: head + "  - target: $.info\n    description: the title Partoo already has\n    update: {title: Partoo Rest API}\n", stale: 1},
		{name: "not an overlay", repairs: "overlay: 9\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: d\n    remove: true\n", wantErr: "not a valid OpenAPI Overlay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Effective(Input{Bundle: bundle, Repairs: []byte(tt.repairs)})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if tt.wantErr == "matches nothing" && !errors.Is(err, ErrRepairMatchesNothing) {
					t.Errorf("err = %v, want ErrRepairMatchesNothing", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := stale(res); got != tt.stale {
				t.Errorf("%d stale repair(s), want %d", got, tt.stale)
			}
			if tt.stale == 0 && !bytes.Equal(res.Spec, bundle) {
				t.Error("with nothing to repair, the spec is not the bundle byte for byte")
			}
		})
	}
}

// TestNamingFileRecordsDerivedIDs checks that a derived operationId is
// recorded once, and that a recorded name wins over the derived one.
func TestNamingFileRecordsDerivedIDs(t *testing.T) {
	t.Parallel()
	names := []byte("# naming file\noperations:\n  openVenue: Open\n")
	res, err := Effective(Input{Bundle: frozen(t, "defects/bundle.yaml"), Repairs: frozen(t, "defects/repairs.yaml"), Names: names})
	if err != nil {
		t.Fatal(err)
	}
	recorded := RecordDerived(names, res.Derived)
	if !bytes.Contains(recorded, []byte("operationIds:\n  DELETE /venues/{venue_id}: deleteVenuesByVenueId\n")) {
		t.Fatalf("recorded naming file:\n%s", recorded)
	}
	renamed := bytes.Replace(recorded, []byte(": deleteVenuesByVenueId"), []byte(": closeVenue"), 1)
	res, err = Effective(Input{Bundle: frozen(t, "defects/bundle.yaml"), Repairs: frozen(t, "defects/repairs.yaml"), Names: renamed})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Derived[0]; d.ID != "closeVenue" || !d.Recorded {
		t.Errorf("Derived = %+v, want the recorded closeVenue", d)
	}
	if again := RecordDerived(renamed, res.Derived); !bytes.Equal(again, renamed) {
		t.Error("a recorded name was recorded again")
	}
	// A section that is not the last one takes the new name too.
	var file struct {
		OperationIDs map[string]string `yaml:"operationIds"`
		Lists        map[string]string `yaml:"lists"`
	}
	middle := RecordDerived([]byte("operationIds:\n  GET /x: getX\nlists:\n  getX: none\n"), []DerivedID{{Key: "DELETE /y", ID: "deleteY"}})
	if err := yaml.Unmarshal(middle, &file); err != nil || len(file.OperationIDs) != 2 || file.OperationIDs["DELETE /y"] != "deleteY" || file.Lists["getX"] != "none" {
		t.Errorf("recorded in a section before another: %+v, %v:\n%s", file, err, middle)
	}
	if _, err := Effective(Input{Bundle: frozen(t, "defects/bundle.yaml"), Names: []byte("operationIds:\n  delete venues: x\n")}); err == nil {
		t.Error("a malformed operationIds key was accepted")
	}
}

// TestEffectiveKeepsEveryValue applies a repair of one field to the
// Webhooks spec and checks that every other value reads back the same
// (yaml.v3 rewrites some folded texts with another value unless told
// otherwise).
func TestEffectiveKeepsEveryValue(t *testing.T) {
	t.Parallel()
	bundle := frozen(t, "webhooks-openapi.yaml")
	repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: a test mark\n    update: {x-test: 1}\n"
	res, err := Effective(Input{Bundle: bundle, Repairs: []byte(repairs)})
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]any
	if err := yaml.Unmarshal(bundle, &before); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(res.Spec, &after); err != nil {
		t.Fatal(err)
	}
	delete(after["info"].(map[string]any), "x-test")
	if !equal(before, after) {
		b, _ := yaml.Marshal(before["info"])
		a, _ := yaml.Marshal(after["info"])
		t.Errorf("the repaired spec changed values it does not repair; info before:\n%s\nafter:\n%s", b, a)
	}
}

func TestDeriveOperationID(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"GET /venues/{venue_id}/opening_hours": "getVenuesByVenueIdOpeningHours",
		"POST /guest_book/send_reminder":       "postGuestBookSendReminder",
		"GET /notes/weekly-summary":            "getNotesWeeklySummary",
		"DELETE /venue/{id}":                   "deleteVenueById",
	} {
		if got := DeriveOperationID(key); got != want {
			t.Errorf("DeriveOperationID(%q) = %q, want %q", key, got, want)
		}
	}
}

// TestMemberSelectsTheKey checks that Member's selector, as the target of
// a repair, reaches the key it names, whatever characters the key holds.
func TestMemberSelectsTheKey(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"plain", "/webhooks/{webhook_id}", "it's", `back\slash`, `both\'`, "a.b[0]"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			quoted, err := json.Marshal(name)
			if err != nil {
				t.Fatal(err)
			}
			bundle := "openapi: 3.1.0\nthings:\n  " + string(quoted) + ": {kept: true}\n  other: {kept: true}\n"
			target, err := json.Marshal("$.things" + Member(name))
			if err != nil {
				t.Fatal(err)
			}
			repairs := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: " + string(target) + "\n    description: mark it\n    update: {hit: true}\n"
			res, err := Effective(Input{Bundle: []byte(bundle), Repairs: []byte(repairs)})
			if err != nil {
				t.Fatalf("target %s: %v", target, err)
			}
			var doc struct{ Things map[string]map[string]bool }
			if err := yaml.Unmarshal(res.Spec, &doc); err != nil {
				t.Fatal(err)
			}
			if !doc.Things[name]["hit"] || doc.Things["other"]["hit"] {
				t.Errorf("target %s updated %v, want only %q", target, doc.Things, name)
			}
		})
	}
}

// TestEffectiveRefusesMalformedInput checks that a bundle, a naming file or
// a repair that cannot be read, or an operationId given twice, is an error,
// never a spec.
func TestEffectiveRefusesMalformedInput(t *testing.T) {
	t.Parallel()
	bundle := []byte("openapi: 3.1.0\npaths:\n  /a:\n    get: {operationId: getB}\n  /b:\n    get: {}\n")
	head := "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"a bundle that is not YAML", Input{Bundle: []byte("openapi: [\n")}},
		{"a bundle that is a list", Input{Bundle: []byte("- openapi: 3.1.0\n")}},
		{"an empty bundle", Input{}},
		{"an anchor whose value holds its alias", Input{Bundle: []byte("openapi: 3.1.0\ncomponents:\n  schemas:\n    A: &a\n      properties: {b: *a}\n")}},
		{"an alias of an anchor that holds it, deeper", Input{Bundle: []byte("openapi: 3.1.0\nx-a: &a [{b: &b [1, *a]}, *b]\n")}},
		{"a 3.0 version without a patch number", Input{Bundle: []byte("openapi: '3.0'\ninfo: {title: t, version: '1'}\npaths: {}\n")}},
		{"a naming file that is not YAML", Input{Bundle: frozen(t, "webhooks-openapi.yaml"), Names: []byte("operationIds: [\n")}},
		{"a derived name another operation has", Input{Bundle: bundle}},
		{"a recorded name another operation has", Input{Bundle: bundle, Names: []byte("operationIds:\n  GET /b: getB\n")}},
		{"a target that is not a JSONPath",
			Input{Bundle: frozen(t, "webhooks-openapi.yaml"), Repairs: []byte(head + "  - target: $[\n    description: why\n    remove: true\n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if res, err := Effective(tc.in); err == nil || res != nil {
				t.Errorf("Effective = %v, %v; want no result and an error", res, err)
			}
		})
	}
	// An alias of an anchor it does not sit in, and a key written twice
	// (kin-openapi's to report, in the lint), are accepted.
	if _, err := Effective(Input{Bundle: []byte("openapi: 3.1.0\nx-a: &a {b: 1}\nx-b: [*a, *a]\npaths: {}\npaths: {}\n")}); err != nil {
		t.Errorf("an alias outside its anchor, a key written twice: %v", err)
	}
	// The same bundle, its operation named in the naming file, is accepted.
	if _, err := Effective(Input{Bundle: bundle, Names: []byte("operationIds:\n  GET /b: getOtherB\n")}); err != nil {
		t.Errorf("a named operation: %v", err)
	}
}
