package webhook

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// DefaultMaxBodyBytes is the largest delivery body a [Handler] reads when
// [HandlerOptions.MaxBodyBytes] is zero: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// HandlerOptions configures [NewHandler].
type HandlerOptions struct {
	// PublicKey verifies the signature of every delivery. It is required:
	// use PublicKey(Production), PublicKey(Sandbox), or the key of a fake
	// server in tests. A key of small order is refused (ErrWeakPublicKey).
	PublicKey ed25519.PublicKey

	// MaxBodyBytes caps the body; a larger body gets 413 Request Entity Too
	// Large. Zero means DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// CheckSecret, if not nil, checks a shared secret (see HeaderSecret,
	// QuerySecret, PathSecret) before the body is read; a failure gets 401
	// Unauthorized.
	CheckSecret SecretCheck

	// AllowedOrgIDs, if not nil, lists the organizations (org_id) whose
	// deliveries are accepted; any other delivery gets 403 Forbidden, which
	// Partoo does not retry, and the HandlerFunc is not called. A signature
	// proves that Partoo sent a delivery, not that it was meant for you:
	// every customer's deliveries are signed with the same key.
	//
	// The org_id is Event.OrgID: that of the business in business events,
	// of the payload in message events. An event that carries none
	// (lead_received, business_deleted, a type this version does not know)
	// is refused when AllowedOrgIDs is set; receive such events on another
	// URL, with a Handler without AllowedOrgIDs, if you need them. Test
	// deliveries (Event.Tryout) are checked like the others.
	//
	// nil accepts every organization. A non-nil empty list is an error of
	// NewHandler, since it would refuse every delivery.
	AllowedOrgIDs []int

	// OnError, if not nil, is called for every request the handler does not
	// answer with 200 OK, with the status it answers and the reason: the
	// errors of Verify, Parse, CheckSecret and of the callback are passed as
	// they are, so errors.Is works. Use it to log rejected deliveries. It
	// must not write to the response.
	OnError func(r *http.Request, status int, err error)
}

// HandlerFunc processes one verified delivery. Return nil to acknowledge it
// (Partoo gets 200 OK), including for events you ignore; return an error to
// make Partoo retry it (it gets 500 Internal Server Error). ctx is the
// request's context.
type HandlerFunc func(ctx context.Context, ev Event) error

// Handler is an http.Handler that receives Partoo's webhook deliveries.
// Create one with [NewHandler]. A Handler is safe for concurrent use; it
// calls its HandlerFunc concurrently for concurrent deliveries.
type Handler struct {
	pub    ed25519.PublicKey
	max    int64
	secret SecretCheck
	orgs   map[int]bool // nil: every organization
	onErr  func(*http.Request, int, error)
	fn     HandlerFunc
}

// ErrOrgNotAllowed is passed (wrapped) to [HandlerOptions.OnError] when a
// [Handler] refuses a delivery because its org_id is not in
// [HandlerOptions.AllowedOrgIDs] or cannot be determined.
var ErrOrgNotAllowed = errors.New("webhook: organization not allowed")

// NewHandler returns a [Handler] that verifies each delivery and passes it
// to fn as an [Event]. For each request it answers, in this order:
//
//   - 405 Method Not Allowed (with Allow: POST) to any method but POST;
//   - 401 Unauthorized when opts.CheckSecret is set and fails;
//   - 413 Request Entity Too Large when the body exceeds the cap;
//   - 401 Unauthorized when the signature is missing, malformed or invalid
//     ([Verify]); the body is not parsed before this check;
//   - 400 Bad Request when the body is not a valid event ([Parse]);
//   - 403 Forbidden when opts.AllowedOrgIDs is set and the event's org_id
//     is absent or not in it ([ErrOrgNotAllowed]);
//   - 500 Internal Server Error when fn returns an error, so Partoo retries;
//   - 200 OK when fn returns nil.
//
// Partoo retries 5xx answers only, never 4xx ones. [Event.Tryout] is set for
// test deliveries. NewHandler fails when opts.PublicKey is not an ED25519
// public key or is of small order ([ErrWeakPublicKey]), when
// opts.MaxBodyBytes is negative, when opts.AllowedOrgIDs is empty but not
// nil, or when fn is nil.
func NewHandler(opts HandlerOptions, fn HandlerFunc) (*Handler, error) {
	if len(opts.PublicKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("webhook: HandlerOptions.PublicKey is %d bytes, want an ED25519 public key of %d bytes (see webhook.PublicKey)", len(opts.PublicKey), ed25519.PublicKeySize)
	}
	if err := checkWeak("HandlerOptions.PublicKey", opts.PublicKey); err != nil {
		return nil, err
	}
	if opts.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("webhook: HandlerOptions.MaxBodyBytes is %d, want 0 (the default, %d) or more", opts.MaxBodyBytes, DefaultMaxBodyBytes)
	}
	if opts.AllowedOrgIDs != nil && len(opts.AllowedOrgIDs) == 0 {
		return nil, errors.New("webhook: HandlerOptions.AllowedOrgIDs is empty, which would refuse every delivery: want nil (every organization) or at least one org_id")
	}
	if fn == nil {
		return nil, errors.New("webhook: NewHandler needs a non-nil HandlerFunc")
	}
	h := &Handler{
		pub:    slices.Clone(opts.PublicKey),
		max:    opts.MaxBodyBytes,
		secret: opts.CheckSecret,
		onErr:  opts.OnError,
		fn:     fn,
	}
	if h.max == 0 {
		h.max = DefaultMaxBodyBytes
	}
	if opts.AllowedOrgIDs != nil {
		h.orgs = make(map[int]bool, len(opts.AllowedOrgIDs))
		for _, id := range opts.AllowedOrgIDs {
			h.orgs[id] = true
		}
	}
	return h, nil
}

// ServeHTTP receives one delivery; see [NewHandler] for the answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, http.StatusMethodNotAllowed, fmt.Errorf("webhook: method %q, want POST", r.Method))
		return
	}
	if h.secret != nil {
		if err := h.secret(r); err != nil {
			h.fail(w, r, http.StatusUnauthorized, err)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.max))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("webhook: the body exceeds %d bytes: %w", tooLarge.Limit, err))
			return
		}
		h.fail(w, r, http.StatusBadRequest, fmt.Errorf("webhook: read the body: %w", err))
		return
	}
	if err := Verify(h.pub, body, r.Header.Get(SignatureHeader)); err != nil {
		h.fail(w, r, http.StatusUnauthorized, err)
		return
	}
	ev, err := Parse(body)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	_, ev.Tryout = r.Header[http.CanonicalHeaderKey(TryoutHeader)]
	if err := h.checkOrg(ev); err != nil {
		h.fail(w, r, http.StatusForbidden, err)
		return
	}
	if err := h.fn(r.Context(), ev); err != nil {
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// checkOrg applies HandlerOptions.AllowedOrgIDs to ev.
func (h *Handler) checkOrg(ev Event) error {
	switch {
	case h.orgs == nil:
		return nil
	case ev.OrgID == nil:
		return fmt.Errorf("%w: the %q event carries no org_id, and HandlerOptions.AllowedOrgIDs is set", ErrOrgNotAllowed, string(ev.Type))
	case !h.orgs[*ev.OrgID]:
		return fmt.Errorf("%w: the %q event is for org_id %d, which is not in HandlerOptions.AllowedOrgIDs", ErrOrgNotAllowed, string(ev.Type), *ev.OrgID)
	}
	return nil
}

// fail reports err to OnError and answers status with its standard text;
// the details stay on the server.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if h.onErr != nil {
		h.onErr(r, status, err)
	}
	http.Error(w, http.StatusText(status), status)
}
