// Command partoo-mock runs a fake Partoo API (package partootest) as a
// standalone HTTP server, for integration tests written in any language.
//
// Usage:
//
//	partoo-mock [flags]
//
// Run `partoo-mock -h` for the flags, the operations and the seed file's
// format. The fake's behaviour is that of package partootest, described in
// its documentation.
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
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runMain runs the command, prints its error once on stderr with one
// "partoo-mock:" prefix, and returns the exit status: 0, 2 for a usage
// error, 1 for any other.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "partoo-mock:", err)
	var usage *usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() + " (see partoo-mock -h)" }
func (e *usageError) Unwrap() error { return e.err }

// startError is a server that could not start: an option partootest
// refuses, or an address it cannot listen on.
type startError struct{ err error }

func (e *startError) Error() string { return e.err.Error() }
func (e *startError) Unwrap() error { return e.err }

const usageText = `partoo-mock runs a fake Partoo REST API v2 on a local port, for
integration tests in any language. It serves every operation of the spec
(api/openapi-bundled.yaml) from the tables compiled from it. State lives in
memory and is lost when it stops.

Usage:
  partoo-mock [flags]

Point your client at the URL it prints (with the /v2 base path) and send
the API key in the x-APIKey header:

  partoo-mock -addr 127.0.0.1:8080 -api-key my-test-key -seed seed.json
  curl -H 'x-APIKey: my-test-key' http://127.0.0.1:8080/v2/webhooks

Operations and their behaviour:
%s
What the fake does is described in the documentation of package partootest,
which partoo-mock serves: go doc github.com/partoo-go/partoo/partootest.

The -seed file is JSON, {"webhooks": [...], "resources": {"/collection":
[...]}} (or an array of webhooks): webhooks are created as POST /webhooks
creates them, all or none; resources are stored as given (AddResource).

It stops gracefully on SIGINT or SIGTERM: it stops accepting connections and
lets requests in flight finish (up to %v).

Flags:
`

// printUsage writes the help of -h.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, usageText, operationList(), shutdownGrace)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// operationList lists the spec's operations, one per line, with their
// behaviour.
func operationList() string {
	base := ""
	if u, err := url.Parse(gen.ServerURLProductionServer); err == nil {
		base = strings.TrimSuffix(u.Path, "/")
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	var zero partootest.Server // lists what NewServer serves
	for _, op := range zero.Operations() {
		fmt.Fprintf(tw, "  %s\t%s%s\t%s\t%s\n", op.Method, base, op.Path, op.ID, op.Behavior)
	}
	tw.Flush()
	return b.String()
}

// run parses args, starts the server, prints its URL on stdout, and serves
// until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("partoo-mock", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // runMain prints the errors, printUsage the help
	fs.Usage = func() {}
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free port")
	apiKey := fs.String("api-key", DefaultAPIKey, "the organization-scoped API `key` the mock accepts")
	orgID := fs.Int("org-id", partootest.DefaultOrgID, "the organization `id` of -api-key")
	providerKey := fs.String("provider-key", "", "an optional PROVIDER API `key`, acting on -provider-orgs")
	providerOrgs := fs.String("provider-orgs", "", "comma-separated organization `ids` the PROVIDER key may act on (required with -provider-key)")
	seedPath := fs.String("seed", "", "JSON `file` of webhooks and resources to start with")
	quota := fs.String("quota", "", "enforce a rate limit per organization, as `n/period` (Partoo's is 300/1m): past it, 429 with Retry-After")
	logRequests := fs.Bool("log", false, "opt-in: log one line per request on stderr (method, path, query, status, duration; never headers or bodies)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stderr, fs)
			return err
		}
		return &usageError{err}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
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
		return &usageError{errors.New("-provider-orgs needs -provider-key")}
	}
	if *quota != "" {
		q, err := partootest.ParseQuota(*quota)
		if err != nil {
			return &usageError{fmt.Errorf("-quota: %w", err)}
		}
		opts = append(opts, partootest.WithQuota(q.N, q.Per))
	}
	var sd *seed
	if *seedPath != "" {
		var err error
		if sd, err = readSeed(*seedPath); err != nil {
			return err
		}
	}
	if *logRequests {
		opts = append(opts, partootest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}

	srv, err := newServer(opts...)
	if err != nil {
		return err
	}
	hooks, resources := 0, 0
	if sd != nil {
		if hooks, resources, err = sd.load(srv); err != nil {
			srv.Close()
			return err
		}
	}
	fmt.Fprintf(stdout, "partoo-mock: serving the Partoo API at %s (org %d, %d seeded webhooks, %d seeded resources)\n", srv.URL, srv.OrgID, hooks, resources)
	fmt.Fprintf(stdout, "partoo-mock: send the API key in the %s header: %q (org key, org %d)", partoo.APIKeyHeader, *apiKey, srv.OrgID)
	if *providerKey != "" {
		fmt.Fprintf(stdout, " or %q (PROVIDER key, orgs %s)", *providerKey, *providerOrgs)
	}
	fmt.Fprintf(stdout, "\n  curl -H '%s: %s' %s/webhooks\n", partoo.APIKeyHeader, *apiKey, srv.URL)
	if der, err := x509.MarshalPKIXPublicKey(srv.PublicKey()); err == nil {
		fmt.Fprintf(stdout, "partoo-mock: deliveries are signed (X-Partoo-Signature-v1) with this ED25519 public key:\n%s",
			pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
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

// newServer is partootest.NewServer with its setup panic turned into an
// error, as a command reports it, without partootest's own prefix.
func newServer(opts ...partootest.Option) (srv *partootest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.TrimPrefix(fmt.Sprint(r), "partootest: ")
			err = &startError{errors.New(msg)}
		}
	}()
	return partootest.NewServer(opts...), nil
}

// parseOrgs reads "1,2,3".
func parseOrgs(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, &usageError{errors.New("-provider-key needs -provider-orgs (comma-separated organization ids)")}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, &usageError{fmt.Errorf("-provider-orgs: %q is not a positive organization id", f)}
		}
		out = append(out, n)
	}
	return out, nil
}
