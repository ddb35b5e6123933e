package partoo_test

import (
	"fmt"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// BenchmarkValidateCustomHeaders measures the public validator on 5 valid
// headers (the spec's maximum) and on 6 headers with invalid names, the
// error path that builds and joins the messages.
func BenchmarkValidateCustomHeaders(b *testing.B) {
	valid := gen.CustomHeaders{}
	for i := range 5 {
		valid[fmt.Sprintf("X-Custom-Header-%d", i)] = "a-shared-secret-value"
	}
	invalid := gen.CustomHeaders{
		"X-Partoo-Id": "v", "X-a:b": "v", "Y-Foo": "v", "X-Ok-1": "v", "X-Ok-2": "v", "X-Ok-3": "v",
	}
	// Compile the pattern outside the measurement (it happens once per process).
	if err := partoo.ValidateCustomHeaders(valid); err != nil {
		b.Fatal(err)
	}
	b.Run("5 valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := partoo.ValidateCustomHeaders(valid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("6 invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := partoo.ValidateCustomHeaders(invalid); err == nil {
				b.Fatal("no error")
			}
		}
	})
}
