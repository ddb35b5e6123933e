package partoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/syncbuf"
)

func TestRedactBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"create payload",
			`{"items":[{"url":"https://hooks.example.com/partoo/9fa91de19/business","event_type":"business_created","custom_headers":{"X-Auth-Token":"s3cret","X-Other":"v"}}]}`,
			`{"items":[{"custom_headers":{"X-Auth-Token":"REDACTED","X-Other":"REDACTED"},"event_type":"business_created","url":"https://hooks.example.com/REDACTED"}]}`},
		{"update payload",
			`{"custom_headers":{"X-Auth-Token":"s3cret"},"url":"https://example.com/"}`,
			`{"custom_headers":{"X-Auth-Token":"REDACTED"},"url":"https://example.com/"}`},
		{"url with a query and user info", `{"url":"https://u:p@example.com?token=abc"}`, `{"url":"https://example.com/REDACTED"}`},
		{"url-like string that does not parse", `{"url":"https://exa mple.com/9fa91de19"}`, `{"url":"REDACTED"}`},
		{"url under any key, in an array", `{"items":[{"link":"https://hooks.example.com/partoo/9fa91de19"}]}`,
			`{"items":[{"link":"https://hooks.example.com/REDACTED"}]}`},
		{"url quoted in an error message", `{"error":{"json":{"items[0].url":["https://hooks.example.com/partoo/9fa91de19 is not reachable"]}}}`,
			`{"error":{"json":{"items[0].url":["https://hooks.example.com/REDACTED"]}}}`},
		{"url after words, which does not parse", `{"error":"cannot reach https://hooks.example.com/9fa91de19"}`, `{"error":"REDACTED"}`},
		{"custom_headers that is not an object", `{"custom_headers":"X-Auth-Token: s3cret"}`, `{"custom_headers":"REDACTED"}`},
		{"null custom_headers", `{"custom_headers":null}`, `{"custom_headers":null}`},
		{"error body echoing a header", `{"error":{"json":{"items":{"0":{"custom_headers":{"X-Auth-Token":["s3cret is invalid"]}}}}}}`,
			`{"error":{"json":{"items":{"0":{"custom_headers":{"X-Auth-Token":"REDACTED"}}}}}}`},
		{"case of the key", `{"Custom_Headers":{"X-A":"s3cret"}}`, `{"Custom_Headers":{"X-A":"REDACTED"}}`},
		{"numbers are kept exactly", `{"id":12345678901234567890,"org_id":1}`, `{"id":12345678901234567890,"org_id":1}`},
		{"plain strings are kept", `{"name":"Corner shop","event_type":"business_created"}`, `{"event_type":"business_created","name":"Corner shop"}`},
		{"not JSON", `<html>s3cret</html>`, `(19 bytes, not JSON, not logged)`},
		{"two JSON values", `{} {"custom_headers":"s3cret"}`, `(30 bytes, not JSON, not logged)`},
		{"too large", `{"a":"` + strings.Repeat("s", maxLoggedBody) + `"}`, fmt.Sprintf("(more than %d bytes, not logged)", maxLoggedBody)},
		{"empty", ` `, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := redactBody([]byte(tt.body))
			if got != tt.want {
				t.Errorf("redactBody(%q) =\n%s\nwant\n%s", tt.body, got, tt.want)
			}
			if strings.Contains(got, "s3cret") || strings.Contains(got, "9fa91de19") || strings.Contains(got, "token=abc") {
				t.Errorf("redactBody leaks a secret: %s", got)
			}
		})
	}
}

// logLines decodes the JSON log lines of buf.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestLoggerLogsNoSecretByDefault: by default a log line holds the method,
// the path without its query, the attempt, the status, the duration and
// the kind of error — no header, no query string, no body, even when the
// server echoes a webhook URL in a 400.
func TestLoggerLogsNoSecretByDefault(t *testing.T) {
	t.Parallel()
	const headerSecret = "hdr-S3cret-value"
	const urlSecret = "9fa91de19-url-secret"
	s := newRTServer(t,
		reply(400, `{"error":{"json":{"items[0].url":["https://hooks.example.com/partoo/`+urlSecret+` is not reachable"],"items":{"0":{"custom_headers":{"X-Auth-Token":["`+headerSecret+` is not accepted"]}}}}}}`),
		reply(503, `{"error":"busy"}`),
		reply(200, rtItemJSON),
	)
	var buf syncbuf.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newRTClient(t, s, newRTClock(), WithLogger(logger))

	_, err := c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{
		URL:           "https://hooks.example.com/partoo/" + urlSecret + "/business",
		EventType:     gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": headerSecret},
	}}}, WithCallOrgID(7))
	if !errors.Is(err, ErrBadRequest) {
		t.Fatalf("create: err = %v, want ErrBadRequest", err)
	}
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	for _, secret := range []string{rtKey, headerSecret, urlSecret, "org_id=7"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
	lines := logLines(t, out)
	var summary []string
	for _, m := range lines {
		summary = append(summary, fmt.Sprintf("%v %v %v %v %v %v %v", m["level"], m["msg"], m["method"], m["path"], m["attempt"], m["status"], m["error"]))
	}
	want := []string{
		"DEBUG partoo: attempt POST /v2/webhooks 1 400 api",
		"DEBUG partoo: attempt GET /v2/webhooks/1 1 503 api",
		"INFO partoo: retrying GET /v2/webhooks/1 1 503 api",
		"DEBUG partoo: attempt GET /v2/webhooks/1 2 200 <nil>",
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
	for _, m := range lines {
		for _, k := range []string{"request_headers", "request_body", "response_body", "query"} {
			if _, ok := m[k]; ok {
				t.Errorf("line %v logs %s by default", m, k)
			}
		}
	}
	if wait, ok := lines[2]["wait"].(float64); !ok || wait <= 0 {
		t.Errorf("retry line %v, want a positive wait", lines[2])
	}
}

// TestBodyLoggingRedacts: with WithBodyLogging the bodies are logged, with
// the custom header values and every URL path redacted, wherever they sit.
func TestBodyLoggingRedacts(t *testing.T) {
	t.Parallel()
	const headerSecret = "hdr-S3cret-value"
	const urlSecret = "9fa91de19-url-secret"
	s := newRTServer(t,
		reply(400, `{"error":{"json":{"items[0].url":["https://hooks.example.com/partoo/`+urlSecret+`"],"items":{"0":{"custom_headers":{"X-Auth-Token":["`+headerSecret+` is not accepted"]}}}}}}`),
	)
	var buf syncbuf.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newRTClient(t, s, newRTClock(), WithLogger(logger), WithBodyLogging())
	_, err := c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{
		URL:           "https://hooks.example.com/partoo/" + urlSecret + "/business",
		EventType:     gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": headerSecret},
	}}})
	if !errors.Is(err, ErrBadRequest) {
		t.Fatalf("create: err = %v, want ErrBadRequest", err)
	}
	out := buf.String()
	for _, secret := range []string{rtKey, headerSecret, urlSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the secret %q:\n%s", secret, out)
		}
	}
	first := logLines(t, out)[0]
	if body, _ := first["request_body"].(string); !strings.Contains(body, `"X-Auth-Token":"REDACTED"`) || !strings.Contains(body, `"url":"https://hooks.example.com/REDACTED"`) {
		t.Errorf("request_body = %s, want the custom header value and the URL path redacted", body)
	}
	if body, _ := first["response_body"].(string); !strings.Contains(body, `"X-Auth-Token":"REDACTED"`) || !strings.Contains(body, `https://hooks.example.com/REDACTED`) {
		t.Errorf("response_body = %s, want the echoed header and URL redacted", body)
	}
}

func TestLoggerInfoLevelLogsOnlyRetries(t *testing.T) {
	t.Parallel()
	s := newRTServer(t, reply(502, ""), reply(200, rtItemJSON))
	var buf syncbuf.Buffer
	c := newRTClient(t, s, newRTClock(), WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSpace(buf.String())
	if strings.Count(out, "\n") != 0 || !strings.Contains(out, `msg="partoo: retrying"`) || !strings.Contains(out, "status=502") {
		t.Errorf("log = %q, want one retry line", out)
	}
}
