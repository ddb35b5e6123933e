// Command demo walks through the partoo client: create a webhook with
// custom headers, a validation error caught before sending, list, get,
// update, tryout, and a 404 as a typed error.
//
// With no PARTOO_API_KEY it runs against a fake Partoo started in-process
// (package partootest): no key, no network. `make demo` runs it that way.
// The tryout then goes to a local receiver, which verifies the signature of
// the delivery the fake sends.
//
// With PARTOO_API_KEY it talks to the real API: PARTOO_SERVER selects
// "production" (the default) or "sandbox", PARTOO_ORG_ID sets the org_id a
// PROVIDER key needs, and only reads happen (list, get, a 404) unless -write
// is given; -write also creates, updates and tries out a webhook for
// PARTOO_WEBHOOK_URL (default https://example.com/partoo-quickstart).
//
//	go run ./examples/demo
//	PARTOO_API_KEY=... PARTOO_SERVER=sandbox go run ./examples/demo -write
package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
	"github.com/partoo-go/partoo/webhook"
)

// defaultWebhookURL is where -write registers its webhook unless
// PARTOO_WEBHOOK_URL says otherwise.
const defaultWebhookURL = "https://example.com/partoo-quickstart"

func main() {
	write := flag.Bool("write", false, "with PARTOO_API_KEY: also create, update and try out a webhook (this writes to your organization)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "Usage: demo [-write]\n\nWithout PARTOO_API_KEY it runs against an in-process fake Partoo.\nEnvironment: PARTOO_API_KEY, PARTOO_SERVER (production|sandbox), PARTOO_ORG_ID, PARTOO_WEBHOOK_URL.")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv, *write); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run picks the fake or the real API from the environment and walks through
// the client.
func run(ctx context.Context, out io.Writer, getenv func(string) string, write bool) error {
	if getenv("PARTOO_API_KEY") == "" {
		srv := partootest.NewServer()
		defer srv.Close()
		fmt.Fprintf(out, "No PARTOO_API_KEY set: using a fake Partoo API running in this process at %s\n", srv.URL)
		fmt.Fprintf(out, "(set PARTOO_API_KEY, and PARTOO_SERVER=sandbox, to use the real API)\n")
		// The fake signs and sends tryout deliveries to loopback URLs: a
		// local receiver shows one arriving and verifies its signature.
		recv, received := newReceiver(srv.PublicKey())
		defer recv.Close()
		return walkthrough(ctx, out, srv.Client(), true, defaultWebhookURL, recv.URL+"/partoo", received)
	}
	client, desc, err := realClient(getenv)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Using the real Partoo API: %s", desc)
	if write {
		fmt.Fprintln(out, " (-write: this run creates and updates a webhook)")
	} else {
		fmt.Fprintln(out, " (read-only; -write also creates, updates and tries out a webhook)")
	}
	hookURL := getenv("PARTOO_WEBHOOK_URL")
	if hookURL == "" {
		hookURL = defaultWebhookURL
	}
	return walkthrough(ctx, out, client, write, hookURL, "", nil)
}

// newReceiver starts a local endpoint for webhook deliveries. It verifies
// each delivery's signature with pub and reports it on the channel.
func newReceiver(pub ed25519.PublicKey) (*httptest.Server, <-chan string) {
	received := make(chan string, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		verdict := "signature verified"
		if err := webhook.Verify(pub, body, r.Header.Get(webhook.SignatureHeader)); err != nil {
			verdict = "signature REJECTED: " + err.Error()
		}
		event, err := webhook.Parse(body)
		kind := "undecodable event"
		if err == nil {
			kind = fmt.Sprintf("a %s event", event.Type)
		}
		tryout := ""
		if r.Header.Get(webhook.TryoutHeader) != "" {
			tryout = " (tryout)"
		}
		select {
		case received <- fmt.Sprintf("receiver got %s%s, %s", kind, tryout, verdict):
		default:
		}
		w.WriteHeader(http.StatusOK)
	}))
	return srv, received
}

// realClient builds a client for the real API from the environment.
func realClient(getenv func(string) string) (*partoo.Client, string, error) {
	var server partoo.Server
	switch env := getenv("PARTOO_SERVER"); strings.ToLower(env) {
	case "", "production":
		server = partoo.Production
	case "sandbox":
		server = partoo.Sandbox
	default:
		return nil, "", fmt.Errorf("PARTOO_SERVER=%q: use production or sandbox", env)
	}
	opts := []partoo.Option{partoo.WithServer(server)}
	if raw := getenv("PARTOO_ORG_ID"); raw != "" {
		id, err := strconv.Atoi(raw)
		if err != nil {
			return nil, "", fmt.Errorf("PARTOO_ORG_ID=%q: not an integer", raw)
		}
		opts = append(opts, partoo.WithOrgID(id))
	}
	client, err := partoo.NewClient(getenv("PARTOO_API_KEY"), opts...)
	if err != nil {
		return nil, "", err
	}
	return client, client.BaseURL(), nil
}

// walkthrough runs the steps. Without write it only reads. The tryout goes
// to tryoutURL when it is set (a local receiver, which reports what it got
// on received), else to the updated webhook URL.
func walkthrough(ctx context.Context, out io.Writer, client *partoo.Client, write bool, hookURL, tryoutURL string, received <-chan string) error {
	step := 0
	title := func(s string) {
		step++
		fmt.Fprintf(out, "\n%d. %s\n", step, s)
	}
	var hookID int

	if write {
		title("Create a webhook with custom headers")
		created, err := client.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{
			URL:           hookURL,
			EventType:     gen.EventTypeBusinessUpdated,
			CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "a-shared-secret"},
		}}})
		switch {
		case errors.Is(err, partoo.ErrBadRequest):
			// Partoo allows one webhook per event type and organization.
			fmt.Fprintf(out, "   refused: %v\n", err)
		case err != nil:
			return fmt.Errorf("create: %w", err)
		default:
			hookID = created[0].ID
			fmt.Fprintf(out, "   created %s\n", describe(created[0]))
		}
	}

	title("A validation error, caught before anything is sent")
	_, err := client.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{
		URL:           hookURL,
		EventType:     gen.EventTypeBusinessUpdated,
		CustomHeaders: &gen.CustomHeaders{"X-Partoo-Token": "x", "X-Bad Name": "y"},
	}}})
	if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		return fmt.Errorf("invalid custom headers: got %v, want an ErrInvalidCustomHeaders error", err)
	}
	fmt.Fprintln(out, "   errors.Is(err, partoo.ErrInvalidCustomHeaders) == true:")
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(out, "   %s\n", line)
	}

	title("List the webhooks (an iterator that fetches the pages as it goes)")
	n := 0
	for hook, err := range client.Webhooks.List(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		n++
		if hookID == 0 {
			hookID = hook.ID
		}
		fmt.Fprintf(out, "   %s\n", describe(hook))
	}
	fmt.Fprintf(out, "   %d webhook(s)\n", n)

	if hookID != 0 {
		title(fmt.Sprintf("Get webhook %d", hookID))
		hook, err := client.Webhooks.Get(ctx, hookID)
		if err != nil {
			return fmt.Errorf("get: %w", err)
		}
		fmt.Fprintf(out, "   %s, created %s\n", describe(*hook), hook.CreatedAt)
	}

	if write && hookID != 0 {
		title(fmt.Sprintf("Update webhook %d: new URL and headers", hookID))
		newURL := strings.TrimSuffix(hookURL, "/") + "/v2"
		hook, err := client.Webhooks.Update(ctx, hookID, gen.UpdateWebhookPayload{
			URL:           &newURL,
			CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "a-new-secret", "X-Env": "demo"},
		})
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		fmt.Fprintf(out, "   updated %s\n", describe(*hook))

		title("Try out a webhook configuration (Partoo sends a signed test delivery to its URL)")
		if tryoutURL == "" {
			tryoutURL = newURL
		}
		result, err := client.Webhooks.Tryout(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: tryoutURL, EventType: gen.EventTypeBusinessUpdated}}})
		if err != nil {
			return fmt.Errorf("tryout: %w", err)
		}
		if received != nil {
			select {
			case msg := <-received:
				fmt.Fprintf(out, "   %s\n", msg)
			case <-time.After(5 * time.Second):
				fmt.Fprintln(out, "   the local receiver got nothing")
			}
		}
		keys := make([]string, 0, len(result))
		for k := range result {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(out, "   %s: %v\n", k, result[k])
		}
	}

	title("A webhook that does not exist: a typed error")
	_, err = client.Webhooks.Get(ctx, math.MaxInt32)
	var apiErr *partoo.APIError
	switch {
	case errors.Is(err, partoo.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Fprintf(out, "   errors.Is(err, partoo.ErrNotFound) == true; status %d, messages %q\n", apiErr.StatusCode, apiErr.Messages)
		fmt.Fprintf(out, "   %v\n", err)
	case err == nil:
		return errors.New("get of a missing webhook succeeded")
	default:
		return fmt.Errorf("get of a missing webhook: %w", err)
	}
	fmt.Fprintln(out, "\nDone.")
	return nil
}

// describe prints a webhook without its custom header values, which carry
// secrets.
func describe(h gen.WebhookItem) string {
	s := fmt.Sprintf("#%d %s -> %s (org %d)", h.ID, h.EventType, h.URL, h.OrgID)
	if h.CustomHeaders != nil && len(*h.CustomHeaders) > 0 {
		keys := make([]string, 0, len(*h.CustomHeaders))
		for k := range *h.CustomHeaders {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		s += ", custom headers " + strings.Join(keys, ", ") + " (values hidden)"
	}
	return s
}
