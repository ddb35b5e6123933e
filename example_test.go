package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// exampleServer stands in for Partoo in the examples: webhook 1 exists, the
// list has one page, and anything else is a 404 in Partoo's error shape.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v2/webhooks/1":
			io.WriteString(w, itemJSON)
		case r.Method == http.MethodGet && r.URL.Path == "/v2/webhooks":
			io.WriteString(w, `{"page":1,"max_page":1,"count":1,"items":[`+itemJSON+`]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v2/webhooks":
			io.WriteString(w, `{"items":[`+itemJSON+`]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":{"json":"Resource not found"}}`)
		}
	}))
}

func ExampleNewClient() {
	// Production is the default; WithServer(partoo.Sandbox) selects the
	// sandbox and WithOrgID scopes every call for PROVIDER keys.
	client, err := partoo.NewClient("my-api-key", partoo.WithServer(partoo.Sandbox), partoo.WithOrgID(42))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	_, err = partoo.NewClient("")
	fmt.Println(err)
	// Output:
	// https://api.sandbox.partoo.co/v2
	// partoo: the API key is empty
}

func ExampleWebhooksService_Get() {
	srv := exampleServer()
	defer srv.Close()
	client, err := partoo.NewClient("my-api-key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}

	hook, err := client.Webhooks.Get(context.Background(), 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hook.ID, hook.EventType, hook.URL)

	_, err = client.Webhooks.Get(context.Background(), 999)
	fmt.Println(errors.Is(err, partoo.ErrNotFound))
	fmt.Println(err)
	// Output:
	// 1 business_created https://example.com/webhook
	// true
	// partoo: GET /v2/webhooks/999: 404 Not Found: json: Resource not found
}

func ExampleWebhooksService_List() {
	srv := exampleServer()
	defer srv.Close()
	client, err := partoo.NewClient("my-api-key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}

	perPage := 100
	for hook, err := range client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(hook.ID, hook.EventType)
	}
	// Output:
	// 1 business_created
}

func ExampleWebhooksService_Create() {
	srv := exampleServer()
	defer srv.Close()
	client, err := partoo.NewClient("my-api-key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}

	created, err := client.Webhooks.Create(context.Background(), gen.WebhookCreateItem{
		URL:           "https://example.com/webhook",
		EventType:     gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(created), created[0].ID)
	// Output:
	// 1 1
}

func ExamplePaginate() {
	srv := exampleServer()
	defer srv.Close()
	client, err := partoo.NewClient("my-api-key", partoo.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}

	// Any list operation of the generated client works the same way.
	for hook, err := range partoo.Paginate[gen.WebhookItem](context.Background(), client.GetWebhookList, &gen.GetWebhookListParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(hook.URL)
	}
	// Output:
	// https://example.com/webhook
}
