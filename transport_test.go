package partoo

import (
	"net/http"
	"testing"
)

func TestCanonicalAPIKeyHeader(t *testing.T) {
	if got := http.CanonicalHeaderKey(APIKeyHeader); got != canonicalAPIKeyHeader {
		t.Errorf("http.CanonicalHeaderKey(%q) = %q, the client sets %q", APIKeyHeader, got, canonicalAPIKeyHeader)
	}
}
