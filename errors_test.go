package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/partoo-go/partoo"
)

// timeoutErr is a network error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func TestErrorKind(t *testing.T) {
	t.Parallel()
	apiErr := &partoo.APIError{StatusCode: 503}
	refused := &url.Error{Op: "Get", URL: "https://h/x?token=secret", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"api error", fmt.Errorf("partoo: x: %w (after 3 attempts)", apiErr), partoo.KindAPI},
		{"retry abandoned on cancel", fmt.Errorf("%w (retry abandoned: %w)", apiErr, context.Canceled), partoo.KindCanceled},
		{"deadline", fmt.Errorf("partoo: %w", context.DeadlineExceeded), partoo.KindTimeout},
		{"network timeout", &url.Error{Op: "Get", URL: "u", Err: timeoutErr{}}, partoo.KindTimeout},
		{"invalid request", fmt.Errorf("partoo: %w", partoo.ErrInvalidRequest), partoo.KindInvalidRequest},
		{"too large", fmt.Errorf("partoo: %w", partoo.ErrResponseTooLarge), partoo.KindResponseTooLarge},
		{"redirect", &url.Error{Op: "Get", URL: "u", Err: partoo.ErrCrossOriginRedirect}, partoo.KindCrossOriginRedirect},
		{"connection refused", fmt.Errorf("partoo: GET /x: %w", refused), partoo.KindConnection},
		{"other", errors.New("boom"), partoo.KindOther},
	}
	for _, tt := range tests {
		if got := partoo.ErrorKind(tt.err); got != tt.want {
			t.Errorf("%s: ErrorKind = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// heapGrowth returns how many bytes f allocates, as the runtime counts them.
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestErrorBodiesAreBounded: an error body built to amplify (a long key
// repeated by thousands of messages, or nesting thousands deep) gives an
// APIError of a few KiB whose Error() is short too, and costs the client
// little memory to decode, through the client and through CheckResponse.
// It does not run in parallel: it measures the memory the runtime counts.
func TestErrorBodiesAreBounded(t *testing.T) {
	longKey := strings.Repeat("k", 32<<10)
	var many strings.Builder
	many.WriteString(`{"error":{"` + longKey + `":[`)
	for many.Len() < 63<<10 {
		many.WriteString(`"",`)
	}
	many.WriteString(`""]}}`)
	deep := strings.Repeat(`{"a":`, 9000) + `"x"` + strings.Repeat("}", 9000)
	deepArrays := `{"errors":` + strings.Repeat("[", 9000) + `"x"` + strings.Repeat("]", 9000) + `}`
	manyMessages := `{"errors":{` + strings.TrimSuffix(strings.Repeat(`"f":"a reasonably long message about a field",`, 1000), ",") + `}}`
	bodies := map[string]string{
		"long key, many messages": many.String(),
		"nested 9000 deep":        `{"error":` + deep + `}`,
		"arrays 9000 deep":        deepArrays,
		"a thousand messages":     manyMessages,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, jsonReply(400, body))
			c := newClient(t, f)
			var err error
			grew := heapGrowth(func() { _, err = c.Webhooks.Get(context.Background(), 1) })
			var apiErr *partoo.APIError
			if !errors.As(err, &apiErr) || !errors.Is(err, partoo.ErrBadRequest) {
				t.Fatalf("err = %v, want a 400 *APIError", err)
			}
			if !apiErr.Truncated && name != "nested 9000 deep" && name != "arrays 9000 deep" {
				t.Errorf("Truncated = false, want the cut reported")
			}
			total := 0
			for _, m := range apiErr.Messages {
				total += len(m)
			}
			if len(apiErr.Messages) > 40 || total > 8<<10 {
				t.Errorf("kept %d messages, %d bytes: want at most a few dozen and a few KiB", len(apiErr.Messages), total)
			}
			if n := len(err.Error()); n > 16<<10 {
				t.Errorf("Error() is %d bytes, want a few KiB at most", n)
			}
			if grew > 8<<20 {
				t.Errorf("decoding the error allocated %d bytes, want a few MiB at most", grew)
			}
			resp := &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
			var direct *partoo.APIError
			if !errors.As(partoo.CheckResponse(resp), &direct) || len(direct.Messages) > 40 {
				t.Errorf("CheckResponse kept %d messages, want the same bounds", len(direct.Messages))
			}
		})
	}
}
