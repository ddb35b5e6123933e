package webhook_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/webhook"
)

func TestSecretChecks(t *testing.T) {
	t.Parallel()
	const secret = "9fa91de19"
	withHeader := func(values ...string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/partoo", nil)
		for _, v := range values {
			r.Header.Add("X-Auth-Token", v)
		}
		return r
	}
	query := func(q string) *http.Request {
		return httptest.NewRequest(http.MethodPost, "/partoo"+q, nil)
	}
	tests := []struct {
		name     string
		check    webhook.SecretCheck
		req      *http.Request
		wantErr  string // "" means the check passes
		mismatch bool   // the error wraps ErrSecretMismatch
	}{
		{"header matches", webhook.HeaderSecret("X-Auth-Token", secret), withHeader(secret), "", false},
		{"header name is case-insensitive", webhook.HeaderSecret("x-auth-token", secret), withHeader(secret), "", false},
		{"header differs", webhook.HeaderSecret("X-Auth-Token", secret), withHeader("9fa91de18"), `header "X-Auth-Token" does not match`, true},
		{"header is a prefix", webhook.HeaderSecret("X-Auth-Token", secret), withHeader(secret[:4]), "does not match", true},
		{"header is longer", webhook.HeaderSecret("X-Auth-Token", secret), withHeader(secret + "0"), "does not match", true},
		{"header missing", webhook.HeaderSecret("X-Auth-Token", secret), withHeader(), `header "X-Auth-Token" is missing`, true},
		{"header sent twice", webhook.HeaderSecret("X-Auth-Token", secret), withHeader(secret, secret), "sent 2 times", true},
		{"empty expected header secret", webhook.HeaderSecret("X-Auth-Token", ""), withHeader(""), "empty", false},
		{"query matches", webhook.QuerySecret("key", secret), query("?key=" + secret), "", false},
		{"query differs", webhook.QuerySecret("key", secret), query("?key=nope"), `query parameter "key" does not match`, true},
		{"query missing", webhook.QuerySecret("key", secret), query("?other=" + secret), "is missing", true},
		{"query repeated", webhook.QuerySecret("key", secret), query("?key=" + secret + "&key=x"), "sent 2 times", true},
		{"empty expected query secret", webhook.QuerySecret("key", ""), query("?key="), "empty", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.check(tt.req)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("check error = %v, want it to contain %q", err, tt.wantErr)
			}
			if got := errors.Is(err, webhook.ErrSecretMismatch); got != tt.mismatch {
				t.Errorf("errors.Is(err, ErrSecretMismatch) = %t, want %t", got, tt.mismatch)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q leaks the secret", err)
			}
		})
	}
}

func TestPathSecret(t *testing.T) {
	t.Parallel()
	const secret = "9fa91de19"
	check := webhook.PathSecret("secret", secret)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/partoo/{secret}/business_update", func(w http.ResponseWriter, r *http.Request) {
		if err := check(r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	// Without a matching pattern there is no wildcard value: refused.
	mux.HandleFunc("POST /other", func(w http.ResponseWriter, r *http.Request) {
		if err := check(r); !errors.Is(err, webhook.ErrSecretMismatch) {
			t.Errorf("check without the wildcard: %v", err)
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	tests := []struct {
		name, path string
		want       int
	}{
		{"matches", "/webhooks/partoo/" + secret + "/business_update", http.StatusOK},
		{"differs", "/webhooks/partoo/9fa91de18/business_update", http.StatusUnauthorized},
		{"no wildcard", "/other", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, tt.path, nil))
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d (%s)", rec.Code, tt.want, rec.Body)
			}
		})
	}
}

func TestSecretEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"s3cret", "s3cret", true},
		{"s3cret", "s3creT", false},
		{"s3cret", "s3cret ", false},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := webhook.SecretEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("SecretEqual(%q, %q) = %t, want %t", tt.a, tt.b, got, tt.want)
		}
	}
}
