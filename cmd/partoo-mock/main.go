// Command partoo-mock serves the fake Partoo API of package partootest, for
// integration tests in any language; `partoo-mock -h` (usageText) says how.
package main

import (
	"context"
	"crypto/x509"
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
	"text/tabwriter"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
	"github.com/partoo-go/partoo/webhook"
)

// DefaultAPIKey is the organization key the mock accepts unless -api-key
// says otherwise, fixed for test suites to hard-code (it grants nothing).
const DefaultAPIKey = "partoo-mock-key"

// shutdownGrace is how long requests in flight may take after SIGINT or SIGTERM.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runMain runs the command, prints its error once on stderr, prefixed
// "partoo-mock:", and returns the exit status: 0, 2 for a usage error, or 1.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "partoo-mock:", err)
	if errors.As(err, new(*usageError)) {
		return 2
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ error }

func (e *usageError) Error() string { return e.error.Error() + " (see partoo-mock -h)" }

// usageText is the help of -h, before the flags.
const usageText = `partoo-mock serves the fake Partoo REST API v2 of package partootest, in
memory, for integration tests in any language; its documentation says what
it does (go doc github.com/partoo-go/partoo/partootest). Send the API key in
the %[3]s header, to the URL it prints (with the base path):

  partoo-mock -addr 127.0.0.1:8080 -api-key my-test-key -seed seed.json
  curl -H '%[3]s: my-test-key' http://127.0.0.1:8080/v2/webhooks

Operations and their behaviour:
%[1]s
The -seed file is JSON, {"webhooks": [...], "resources": {"/collection":
[...]}} (or an array of webhooks): each collection's items are stored, all
or none, checked as its create checks them, with the exact property names;
an item may set its id, org_id and timestamps (partootest's AddResource).

SIGINT or SIGTERM stops it once the requests in flight finish (up to %[2]v).

Flags:
`

// run parses args, starts the server, prints its URL, serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("partoo-mock", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // runMain prints the errors
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free port")
	apiKey := fs.String("api-key", DefaultAPIKey, "the organization-scoped API `key` the mock accepts")
	orgID := fs.Int("org-id", partootest.DefaultOrgID, "the organization `id` of -api-key")
	providerKey := fs.String("provider-key", "", "an optional PROVIDER API `key`, acting on -provider-orgs")
	var providerOrgs []int
	fs.Func("provider-orgs", "comma-separated organization `ids` the PROVIDER key may act on (required with -provider-key)", func(s string) error {
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				return fmt.Errorf("%q is not a positive organization id", f)
			}
			providerOrgs = append(providerOrgs, n)
		}
		return nil
	})
	seedPath := fs.String("seed", "", "JSON `file` of webhooks and resources to start with")
	var opts []partootest.Option
	fs.Func("quota", "enforce a rate limit per organization, as `n/period` (Partoo's is 300/1m): past it, 429 with Retry-After", func(s string) error {
		q, err := partootest.ParseQuota(s)
		if err == nil {
			opts = append(opts, partootest.WithQuota(q.N, q.Per))
		}
		return err
	})
	logRequests := fs.Bool("log", false, "opt-in: log one line per request on stderr (method, path, query, status, duration; never headers or bodies)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		// The help lists the operations the fake serves (a zero Server
		// lists those NewServer serves), with the spec's base path.
		var ops strings.Builder
		tw := tabwriter.NewWriter(&ops, 0, 0, 2, ' ', 0)
		base := ""
		if u, err := url.Parse(gen.ServerURLProductionServer); err == nil {
			base = strings.TrimSuffix(u.Path, "/")
		}
		for _, op := range new(partootest.Server).Operations() {
			fmt.Fprintf(tw, "  %s\t%s%s\t%s\t%s\n", op.Method, base, op.Path, op.ID, op.Behavior)
		}
		tw.Flush()
		fmt.Fprintf(stderr, usageText, ops.String(), shutdownGrace, partoo.APIKeyHeader)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		return err
	} else if err != nil {
		return &usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	case (*providerKey != "") != (len(providerOrgs) > 0):
		return &usageError{errors.New("-provider-key and -provider-orgs (comma-separated organization ids) go together")}
	case *providerKey != "":
		opts = append(opts, partootest.WithProviderKey(*providerKey, providerOrgs...))
	}
	if *logRequests {
		opts = append(opts, partootest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	sd, err := readSeed(*seedPath)
	if err != nil {
		return err
	}

	srv, err := partootest.Start(append(opts, partootest.WithAddr(*addr), partootest.WithAPIKey(*apiKey), partootest.WithOrgID(*orgID))...)
	if err != nil {
		return err
	}
	hooks, resources, err := sd.load(srv)
	if err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stdout, "partoo-mock: serving the Partoo API at %s (org %d, %d seeded webhooks, %d seeded resources)\n", srv.URL, srv.OrgID, hooks, resources)
	fmt.Fprintf(stdout, "partoo-mock: send the API key in the %s header: %q (org key, org %d)", partoo.APIKeyHeader, *apiKey, srv.OrgID)
	if *providerKey != "" {
		fmt.Fprintf(stdout, " or %q (PROVIDER key, orgs %v)", *providerKey, providerOrgs)
	}
	fmt.Fprintf(stdout, "\n  curl -H '%s: %s' %s/webhooks\n", partoo.APIKeyHeader, *apiKey, srv.URL)
	if der, err := x509.MarshalPKIXPublicKey(srv.PublicKey()); err == nil {
		fmt.Fprintf(stdout, "partoo-mock: deliveries are signed (%s) with this ED25519 public key:\n%s",
			webhook.SignatureHeader, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}

	<-ctx.Done()
	fmt.Fprintln(stderr, "partoo-mock: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
