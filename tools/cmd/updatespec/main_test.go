package main

import (
	"bytes"
	"strings"
	"testing"
)

const apidiffReport = `Package github.com/partoo-go/partoo/gen
Incompatible changes:
- ClientInterface.GetBusiness: added
- ClientInterface.CreateBusiness: added
- GetWebhookParams.Limit: changed from *int to int
- ListWebhooks: removed

Compatible changes:
- GetBusiness: added
- Business: added
`

func TestCountIncompatible(t *testing.T) {
	tests := []struct {
		name   string
		report string
		want   goChanges
	}{
		{"empty", "", goChanges{}},
		{"only compatible", "Compatible changes:\n- Business: added\n", goChanges{}},
		{"mixed", apidiffReport, goChanges{methodsAdded: 2, others: 2}},
		{"indented", strings.ReplaceAll(apidiffReport, "\n-", "\n        -"), goChanges{methodsAdded: 2, others: 2}},
		{"second package resets the section",
			"Incompatible changes:\n- A: removed\nPackage x\nCompatible changes:\n- B: added\n", goChanges{others: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countIncompatible(tt.report); got != tt.want {
				t.Errorf("countIncompatible = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNextStepsBreakingOnlyForCallers(t *testing.T) {
	tests := []struct {
		name         string
		breaking     int
		goBreaking   goChanges
		wantBreaking bool
		wantNote     bool
	}{
		{"nothing", 0, goChanges{}, false, false},
		{"interface methods only", 0, goChanges{methodsAdded: 176}, false, true},
		{"removed Go name", 0, goChanges{others: 1}, true, false},
		{"spec ERR", 2, goChanges{}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			nextSteps(&b, tt.breaking, tt.goBreaking)
			if got := strings.Contains(b.String(), "BREAKING:"); got != tt.wantBreaking {
				t.Errorf("BREAKING step shown = %v, want %v:\n%s", got, tt.wantBreaking, b.String())
			}
			if got := strings.Contains(b.String(), "added to generated interfaces"); got != tt.wantNote {
				t.Errorf("interface note shown = %v, want %v:\n%s", got, tt.wantNote, b.String())
			}
		})
	}
}
