// Command partoo-mock runs a fake Partoo API (package partootest) as a
// standalone HTTP server, for integration tests written in any language.
//
// Usage:
//
//	partoo-mock [flags]
//
// Run `partoo-mock -h` for the flags and the behaviour of the fake.
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/mockapi/rules"
	"github.com/partoo-go/partoo/partootest"
)

// DefaultAPIKey is the organization key the mock accepts unless -api-key
// says otherwise. It is a fixed value so that test suites can hard-code it;
// it grants nothing anywhere else.
const DefaultAPIKey = "partoo-mock-key"

// shutdownGrace is how long requests in flight may take to finish after
// SIGINT or SIGTERM.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "partoo-mock:", err)
		os.Exit(2)
	}
}

const usageText = `partoo-mock runs a fake Partoo REST API v2 (the Webhooks operations of
api/openapi-bundled.yaml) on a local port, for integration tests in any
language. State lives in memory and is lost when it stops.

Usage:
  partoo-mock [flags]

Point your client at the URL it prints (it includes the /v2 base path) and
send the API key in the x-APIKey header:

  partoo-mock -addr 127.0.0.1:8080 -api-key my-test-key -seed hooks.json
  curl -H 'x-APIKey: my-test-key' http://127.0.0.1:8080/v2/webhooks

Operations (every operation of the spec; anything else is 404, or 405 for a
known path with another method):
%s
Behaviour (see the partootest package documentation for details):
  - a missing or unknown x-APIKey gets 401 with the spec's body;
  - the organization key (-api-key) acts on -org-id; a PROVIDER key
    (-provider-key) acts on the -provider-orgs and must send org_id
    (400 without it, 403 for another organization);
  - requests are validated against the spec (parameter types and ranges,
    required fields, enums, patterns, the custom-header rules): a bad request gets 400 {"error": {"json": {field: [messages]}}};
    a POST or PUT body that is not application/json gets 415;
  - one webhook per event type and organization: a second one is 400;
  - tryouts are recorded, and their sample event is delivered, signed, to
    loopback URLs only.

The -seed file holds webhook configurations as JSON, either an array of
webhook objects or an object with an "items" array (the shape of a list
response):

  [{"url": "https://example.com/hook", "event_type": "business_created",
    "org_id": 1, "custom_headers": {"X-Auth-Token": "secret"}}]

Missing ids, org_id, created_at and updated_at are filled in.

It stops gracefully on SIGINT or SIGTERM: it stops accepting connections and
lets requests in flight finish (up to %v).

Flags:
`

// run parses args, starts the server, prints its URL on stdout, and serves
// until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("partoo-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free port")
	apiKey := fs.String("api-key", DefaultAPIKey, "the organization-scoped API `key` the mock accepts")
	orgID := fs.Int("org-id", partootest.DefaultOrgID, "the organization `id` of -api-key")
	providerKey := fs.String("provider-key", "", "an optional PROVIDER API `key`, acting on -provider-orgs")
	providerOrgs := fs.String("provider-orgs", "", "comma-separated organization `ids` the PROVIDER key may act on (required with -provider-key)")
	seed := fs.String("seed", "", "JSON `file` of webhook configurations to start with")
	logRequests := fs.Bool("log", true, "log one line per request on stderr (method, path, query, status, duration; never headers or bodies)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), usageText, operationList(), shutdownGrace)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; see -h", fs.Args())
	}

	opts := []partootest.Option{partootest.WithAddr(*addr), partootest.WithAPIKey(*apiKey), partootest.WithOrgID(*orgID)}
	switch {
	case *providerKey != "":
		orgs, err := parseOrgs(*providerOrgs)
		if err != nil {
			return err
		}
		opts = append(opts, partootest.WithProviderKey(*providerKey, orgs...))
	case *providerOrgs != "":
		return errors.New("-provider-orgs needs -provider-key")
	}
	if *seed != "" {
		items, err := readSeed(*seed)
		if err != nil {
			return err
		}
		opts = append(opts, partootest.WithWebhooks(items...))
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if *logRequests {
		opts = append(opts, partootest.WithLogger(logger))
	}

	srv, err := newServer(opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "partoo-mock: serving the Partoo API at %s (org key for org %d", srv.URL, srv.OrgID)
	if *providerKey != "" {
		fmt.Fprintf(stdout, ", PROVIDER key for orgs %s", *providerOrgs)
	}
	fmt.Fprintf(stdout, ", %d seeded webhooks)\n", len(srv.Webhooks()))
	if der, err := x509.MarshalPKIXPublicKey(srv.PublicKey()); err == nil {
		fmt.Fprintf(stdout, "partoo-mock: deliveries are signed (X-Partoo-Signature-v1) with this ED25519 public key:\n%s",
			pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}

	<-ctx.Done()
	logger.Info("partoo-mock: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// operationList lists the spec's operations, one per line.
func operationList() string {
	var b strings.Builder
	base := ""
	if u, err := url.Parse(gen.ServerURLProductionServer); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	for _, op := range rules.Operations() {
		fmt.Fprintf(&b, "  %-6s %s%s (%s)\n", op.Method, base, op.Path, op.ID)
	}
	return b.String()
}

// newServer is partootest.NewServer with its setup panic turned into an
// error, as a command should report it.
func newServer(opts ...partootest.Option) (srv *partootest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return partootest.NewServer(opts...), nil
}

// parseOrgs reads "1,2,3".
func parseOrgs(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("-provider-key needs -provider-orgs (comma-separated organization ids)")
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-provider-orgs: %q is not a positive organization id", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// readSeed reads a seed file: an array of webhook objects, or an object
// with an "items" array. Unknown fields are errors, to catch typos.
func readSeed(path string) ([]gen.WebhookItem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-seed: %w", err)
	}
	trimmed := bytes.TrimSpace(b)
	var items []gen.WebhookItem
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var wrapper struct {
			Items []gen.WebhookItem `json:"items"`
		}
		err = strictDecode(trimmed, &wrapper)
		items = wrapper.Items
	} else {
		err = strictDecode(trimmed, &items)
	}
	if err != nil {
		return nil, fmt.Errorf("-seed %s: %w", path, err)
	}
	for i, it := range items {
		if it.URL == "" || it.EventType == "" {
			return nil, fmt.Errorf("-seed %s: item %d: url and event_type are required", path, i)
		}
		if !it.EventType.Valid() {
			return nil, fmt.Errorf("-seed %s: item %d: event_type %q is not one of the spec's event types", path, i, it.EventType)
		}
		if it.CustomHeaders != nil {
			if err := partoo.ValidateCustomHeaders(*it.CustomHeaders); err != nil {
				return nil, fmt.Errorf("-seed %s: item %d: %w", path, i, err)
			}
		}
	}
	return items, nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}
