package partootel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/partoo-go/partoo"
)

// timeoutError is a network error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// typedError names its own error.type.
type typedError struct{}

func (typedError) Error() string     { return "typed" }
func (typedError) ErrorType() string { return "custom_kind" }

func TestErrorType(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Get", URL: "https://api.example/v2/x?token=secret", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED),
	}}
	apiErr := &partoo.APIError{StatusCode: 503}
	tests := []struct {
		name       string
		err        error
		wantKind   string
		wantStatus int
	}{
		{"api error", fmt.Errorf("partoo: x: %w", &partoo.APIError{StatusCode: 404}), "404", 404},
		{"api error after retries", fmt.Errorf("%w (after 3 attempts)", apiErr), "503", 503},
		{"retry abandoned on cancel", fmt.Errorf("%w (after 1 attempt; retry abandoned: %w)", apiErr, context.Canceled), "canceled", 0},
		{"deadline", fmt.Errorf("partoo: GET /x: %w", context.DeadlineExceeded), "timeout", 0},
		{"network timeout", &url.Error{Op: "Get", URL: "https://h/x?q=1", Err: timeoutError{}}, "timeout", 0},
		{"invalid request", fmt.Errorf("partoo: getWebhookList: %w", partoo.ErrInvalidRequest), "invalid_request", 0},
		{"too large", fmt.Errorf("partoo: GET /x: %w", partoo.ErrResponseTooLarge), "response_too_large", 0},
		{"cross-origin redirect", fmt.Errorf("partoo: GET /x: %w", &url.Error{Op: "Get", URL: "u", Err: partoo.ErrCrossOriginRedirect}), "cross_origin_redirect", 0},
		{"connection refused", fmt.Errorf("partoo: GET /x: %w", refused), "connection", 0},
		{"connection refused, retried", fmt.Errorf("%w (after 2 attempts; retry abandoned: %w)", fmt.Errorf("partoo: GET /x: %w", refused), errors.New("limiter")), "connection", 0},
		{"own error type", fmt.Errorf("wrapped: %w", typedError{}), "custom_kind", 0},
		{"plain", errors.New("boom"), "other", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, status := errorType(tt.err)
			if kind != tt.wantKind || status != tt.wantStatus {
				t.Errorf("errorType = %q, %d; want %q, %d", kind, status, tt.wantKind, tt.wantStatus)
			}
		})
	}
}
