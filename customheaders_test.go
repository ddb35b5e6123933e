package partoo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// TestUndeliverableCustomHeaders: names that are not HTTP tokens and values
// with control characters are refused before sending, with their own
// sentinel, unless the rule is switched off.
func TestUndeliverableCustomHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    gen.CustomHeaders
	}{
		{"tab in the name", gen.CustomHeaders{"X-Bad\tName": "v"}},
		{"line feed in the name", gen.CustomHeaders{"X-Bad\nName": "v"}},
		{"non-ASCII name", gen.CustomHeaders{"X-Café": "v"}},
		{"CR LF in the value", gen.CustomHeaders{"X-A": "v\r\nX-Injected: 1"}},
		{"NUL in the value", gen.CustomHeaders{"X-A": "v\x00"}},
		{"DEL in the value", gen.CustomHeaders{"X-A": "v\x7f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := partoo.ValidateCustomHeaders(tt.h); err != nil {
				t.Fatalf("the spec's schema allows it, but ValidateCustomHeaders says %v", err)
			}
			if err := partoo.CheckDeliverable(tt.h); !errors.Is(err, partoo.ErrUndeliverableCustomHeader) || !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
				t.Errorf("CheckDeliverable = %v, want ErrUndeliverableCustomHeader", err)
			}
			f := newFake(t, jsonReply(200, itemJSON))
			_, err := newClient(t, f).Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &tt.h})
			if !errors.Is(err, partoo.ErrUndeliverableCustomHeader) || !errors.Is(err, partoo.ErrInvalidRequest) {
				t.Errorf("Update: err = %v, want ErrUndeliverableCustomHeader", err)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent, want 0", n)
			}
			if _, err := newClient(t, f, partoo.WithoutDeliverabilityCheck()).Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &tt.h}); err != nil {
				t.Errorf("with the rule off: %v", err)
			}
		})
	}
	if err := partoo.CheckDeliverable(gen.CustomHeaders{"X-Tab": "a\tb", "X-Fine_1.2": "é"}); err != nil {
		t.Errorf("CheckDeliverable refuses a tab or a non-ASCII value: %v", err)
	}
}
