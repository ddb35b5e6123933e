package partootel

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/partoo-go/partoo"
)

// errorType returns the error.type of err, a low-cardinality kind that
// never holds the error's message, and the HTTP status of a non-2xx
// answer (0 for other errors).
func errorType(err error) (kind string, status int) {
	var apiErr *partoo.APIError
	var timeout interface{ Timeout() bool }
	var typed interface{ ErrorType() string }
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled", 0
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout", 0
	case errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.StatusCode), apiErr.StatusCode
	case errors.As(err, &timeout) && timeout.Timeout():
		return "timeout", 0
	case errors.Is(err, partoo.ErrInvalidRequest):
		return "invalid_request", 0
	case errors.Is(err, partoo.ErrResponseTooLarge):
		return "response_too_large", 0
	case errors.Is(err, partoo.ErrCrossOriginRedirect):
		return "cross_origin_redirect", 0
	case errors.As(err, &typed) && typed.ErrorType() != "":
		return typed.ErrorType(), 0
	}
	return semconv.ErrorType(cause(err)).Value.AsString(), 0
}

// The types of the wrappers that fmt.Errorf makes with one %w and with
// several.
var (
	fmtWrapError  = reflect.TypeOf(fmt.Errorf("%w", errors.New("")))
	fmtWrapErrors = reflect.TypeOf(fmt.Errorf("%w%w", errors.New(""), errors.New("")))
)

// cause returns the first error in err's chain that is not a wrapper added
// by fmt.Errorf or by net/http (a *url.Error): a *net.OpError, say. Of
// several wrapped errors, it follows the first, which is the one the
// client's errors lead with.
func cause(err error) error {
	for {
		var next error
		switch e := err.(type) {
		case *url.Error:
			next = e.Err
		case interface{ Unwrap() []error }:
			if t := reflect.TypeOf(err); t == fmtWrapErrors {
				if errs := e.Unwrap(); len(errs) > 0 {
					next = errs[0]
				}
			}
		case interface{ Unwrap() error }:
			if reflect.TypeOf(err) == fmtWrapError {
				next = e.Unwrap()
			}
		}
		if next == nil {
			return err
		}
		err = next
	}
}
