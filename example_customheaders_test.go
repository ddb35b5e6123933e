package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

func ExampleValidateCustomHeaders() {
	// Say the headers come from a settings form.
	err := partoo.ValidateCustomHeaders(gen.CustomHeaders{
		"X-Auth-Token": "a-shared-secret",
		"X-Partoo-Id":  "42",
		"X-a:b":        "c",
		"Trace-Id":     "abc",
	})
	fmt.Println(errors.Is(err, partoo.ErrInvalidCustomHeaders))
	fmt.Println(err)
	// Output:
	// true
	// custom header "Trace-Id": the name must start with "X-" (in any case)
	// custom header "X-Partoo-Id": the X-Partoo prefix is reserved
	// custom header "X-a:b": character ':' is not allowed in a header name
}

func ExampleCustomHeaderError() {
	h := gen.CustomHeaders{"X-Big": string(make([]byte, 513))}
	var e *partoo.CustomHeaderError
	if errors.As(partoo.ValidateCustomHeaders(h), &e) {
		fmt.Printf("key %q broke %s: %d > %d\n", e.Key, e.Rule, e.Actual, e.Limit)
		fmt.Println(e)
	}
	// Output:
	// key "X-Big" broke additionalProperties.maxLength: 513 > 512
	// custom header "X-Big": value is 513 characters, at most 512
}

// The client checks custom_headers in every request body before sending it:
// an invalid request never reaches Partoo.
func ExampleWebhooksService_Update_invalidCustomHeaders() {
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
	}))
	defer srv.Close()
	client, err := partoo.NewClient("my-api-key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		fmt.Println(err)
		return
	}

	headers := gen.CustomHeaders{"X-Partoo-Signature": "forged"}
	_, err = client.Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &headers})
	fmt.Println(err)
	fmt.Println("requests received:", received.Load())
	// Output:
	// partoo: PUT /v2/webhooks/1: invalid custom headers, request not sent:
	// custom_headers: custom header "X-Partoo-Signature": the X-Partoo prefix is reserved
	// requests received: 0
}
