// Command nethttp is internal/footprint/partoo written with net/http and
// encoding/json only: the same request (API key, User-Agent, Accept, a 30 s
// timeout, a status check) and the same output. `make footprint` compares
// the two programs to show what importing partoo adds. Usage:
//
//	PARTOO_API_KEY=... nethttp BASE_URL
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// webhookItem holds the fields of Partoo's WebhookItem that the program
// prints.
type webhookItem struct {
	ID        int    `json:"id"`
	EventType string `json:"event_type"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: PARTOO_API_KEY=... nethttp BASE_URL")
		os.Exit(2)
	}
	hook, err := getWebhook(context.Background(), strings.TrimSuffix(os.Args[1], "/"), os.Getenv("PARTOO_API_KEY"), 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(hook.ID, hook.EventType)
}

func getWebhook(ctx context.Context, baseURL, apiKey string, id int) (*webhookItem, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/webhooks/%d", baseURL, id), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("x-APIKey", apiKey)
	req.Header.Set("User-Agent", "footprint-nethttp")
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	}
	var hook webhookItem
	if err := json.NewDecoder(resp.Body).Decode(&hook); err != nil {
		return nil, fmt.Errorf("GET %s: decode: %w", req.URL.Path, err)
	}
	return &hook, nil
}
