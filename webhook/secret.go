package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
)

// ErrSecretMismatch is wrapped by the errors of a [SecretCheck] when the
// request's shared secret is missing, repeated, or different.
var ErrSecretMismatch = errors.New("webhook: shared secret mismatch")

// A SecretCheck checks the shared secret a delivery carries besides its
// signature: in a custom header that the webhook's custom_headers set (for
// example X-Auth-Token), in the URL's query, or in its path. It returns nil
// when the secret matches and an error otherwise; the error never contains
// either secret. Build one with [HeaderSecret], [QuerySecret] or
// [PathSecret], and set it as [HandlerOptions.CheckSecret], or call it
// yourself.
//
// A shared secret does not replace the signature: anyone who sees one
// delivery learns it. It lets a receiver drop foreign requests early and
// tell its webhooks apart.
type SecretCheck func(r *http.Request) error

// HeaderSecret returns a [SecretCheck] that requires the request header name
// to be present once and equal to secret. An empty secret makes every check
// fail.
func HeaderSecret(name, secret string) SecretCheck {
	where := fmt.Sprintf("header %q", name)
	return func(r *http.Request) error {
		return checkSecret(where, r.Header.Values(name), secret)
	}
}

// QuerySecret returns a [SecretCheck] that requires the URL query parameter
// key to be present once and equal to secret, as in
// https://example.com/partoo?key=9fa91de19. An empty secret makes every check
// fail.
func QuerySecret(key, secret string) SecretCheck {
	where := fmt.Sprintf("query parameter %q", key)
	return func(r *http.Request) error {
		return checkSecret(where, r.URL.Query()[key], secret)
	}
}

// PathSecret returns a [SecretCheck] that requires the path wildcard of the
// request's [http.ServeMux] pattern to equal secret: with the pattern
// "POST /webhooks/partoo/{secret}/business_update", use
// PathSecret("secret", s). An empty secret makes every check fail.
func PathSecret(wildcard, secret string) SecretCheck {
	where := fmt.Sprintf("path wildcard %q", wildcard)
	return func(r *http.Request) error {
		var got []string
		if v := r.PathValue(wildcard); v != "" {
			got = []string{v}
		}
		return checkSecret(where, got, secret)
	}
}

// checkSecret requires exactly one value in got, equal to want.
func checkSecret(where string, got []string, want string) error {
	switch {
	case want == "":
		return fmt.Errorf("webhook: the expected secret for the %s is empty, so every request is refused", where)
	case len(got) == 0:
		return fmt.Errorf("%w: the %s is missing", ErrSecretMismatch, where)
	case len(got) > 1:
		return fmt.Errorf("%w: the %s is sent %d times", ErrSecretMismatch, where, len(got))
	case !SecretEqual(got[0], want):
		return fmt.Errorf("%w: the %s does not match", ErrSecretMismatch, where)
	}
	return nil
}

// SecretEqual reports whether a and b are equal. It compares their SHA-256
// digests with crypto/subtle, so the time it takes does not reveal where they
// differ nor whether their lengths match.
func SecretEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
