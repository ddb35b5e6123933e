package pathtemplate

import "testing"

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		template, path string
		want           bool
		literals       int
	}{
		{"/webhooks", "/webhooks", true, 1},
		{"/webhooks", "/webhooks/", true, 1},
		{"/webhooks/{webhook_id}", "/webhooks/12", true, 1},
		{"/webhooks/{webhook_id}", "/webhooks/tryout", true, 1},
		{"/webhooks/tryout", "/webhooks/tryout", true, 2},
		{"/webhooks/{webhook_id}", "/webhooks", false, 1},
		{"/webhooks/{webhook_id}", "/webhooks//", false, 1},
		{"/webhooks/{webhook_id}", "/webhooks/1/x", false, 1},
		{"/webhooks/tryout", "/webhooks/12", false, 2},
		{"/a/{b}/c/{d}", "/a/1/c/2", true, 2},
		{"/a/{b}/c/{d}", "/a/1/x/2", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.template+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			tmpl := Parse(tt.template)
			if got := tmpl.Match(Segments(tt.path)); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
			if got := tmpl.Literals(); got != tt.literals {
				t.Errorf("Literals = %d, want %d", got, tt.literals)
			}
		})
	}
}
