package goname

import "testing"

// TestNames checks the Go name and the collision key of identifiers in
// the spec's styles.
func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, goName, key string }{
		{"publisher_id", "PublisherID", "publisherid"},
		{"publisherId", "PublisherID", "publisherid"},
		{"Publisher-Id", "PublisherID", "publisherid"},
		{"closeVenueURL", "CloseVenueURL", "closevenueurl"},
		{"closeVenueUrl", "CloseVenueURL", "closevenueurl"},
		{"order-by", "OrderBy", "orderby"},
		{"HTTPServer", "HTTPServer", "httpserver"},
		{"2fa_code", "Op2faCode", "2facode"},
		{"Business API", "BusinessAPI", "businessapi"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Of(tt.name); got != tt.goName {
			t.Errorf("Of(%q) = %q, want %q", tt.name, got, tt.goName)
		}
		if got := Key(tt.name); got != tt.key {
			t.Errorf("Key(%q) = %q, want %q", tt.name, got, tt.key)
		}
	}
}
