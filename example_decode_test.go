package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo"
)

// Answers decode as the spec lets them grow: a field this release does not
// know is ignored, and an event type added after it is kept as it is. An
// answer that does not fit its type is a *DecodeError.
func ExampleDecodeError() {
	answers := []string{
		`{"id":7,"url":"https://example.com/webhook","event_type":"a_type_added_later","org_id":1,` +
			`"created_at":"2024-11-27T16:10:44Z","updated_at":"2024-11-27T16:10:44Z","a_new_field":{"x":[1,2]}}`,
		`{"id":"7"}`,
	}
	canned := roundTripper(func(r *http.Request) (*http.Response, error) {
		body := answers[0]
		answers = answers[1:]
		return &http.Response{StatusCode: http.StatusOK, Request: r, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(body))}},
			Body:   io.NopCloser(strings.NewReader(body))}, nil
	})
	client, err := partoo.NewClient("a-key", partoo.WithBaseURL("http://127.0.0.1/v2"), partoo.WithTransport(canned))
	if err != nil {
		log.Fatal(err)
	}

	hook, err := client.Webhooks.Get(context.Background(), 7)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hook.ID, hook.EventType)

	_, err = client.Webhooks.Get(context.Background(), 7)
	var decodeErr *partoo.DecodeError
	if errors.As(err, &decodeErr) {
		fmt.Println(decodeErr.Method, decodeErr.Path, decodeErr.StatusCode)
	}
	// Output:
	// 7 a_type_added_later
	// GET /v2/webhooks/7 200
}
