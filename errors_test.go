package partoo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
)

// timeoutErr is a network error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func TestErrorKind(t *testing.T) {
	t.Parallel()
	apiErr := &APIError{StatusCode: 503}
	refused := &url.Error{Op: "Get", URL: "https://h/x?token=secret", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"api error", fmt.Errorf("partoo: x: %w (after 3 attempts)", apiErr), KindAPI},
		{"retry abandoned on cancel", fmt.Errorf("%w (retry abandoned: %w)", apiErr, context.Canceled), KindCanceled},
		{"deadline", fmt.Errorf("partoo: %w", context.DeadlineExceeded), KindTimeout},
		{"network timeout", &url.Error{Op: "Get", URL: "u", Err: timeoutErr{}}, KindTimeout},
		{"invalid request", fmt.Errorf("partoo: %w", ErrInvalidRequest), KindInvalidRequest},
		{"too large", fmt.Errorf("partoo: %w", ErrResponseTooLarge), KindResponseTooLarge},
		{"redirect", &url.Error{Op: "Get", URL: "u", Err: ErrCrossOriginRedirect}, KindCrossOriginRedirect},
		{"connection refused", fmt.Errorf("partoo: GET /x: %w", refused), KindConnection},
		{"other", errors.New("boom"), KindOther},
	}
	for _, tt := range tests {
		if got := ErrorKind(tt.err); got != tt.want {
			t.Errorf("%s: ErrorKind = %q, want %q", tt.name, got, tt.want)
		}
	}
}
