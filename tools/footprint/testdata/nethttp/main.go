// Command nethttp is ../partoo written with net/http and encoding/json
// only: the same request (API key, Accept, a 30 s timeout, a status check)
// and the same output. Usage:
//
//	PARTOO_API_KEY=... nethttp [BASE_URL]
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		return // only the initialization is measured
	}
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(os.Args[1], "/")+"/webhooks/1", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req.Header.Set("x-APIKey", os.Getenv("PARTOO_API_KEY"))
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var hook struct {
		ID        int    `json:"id"`
		EventType string `json:"event_type"`
	}
	if resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&hook)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(hook.ID, hook.EventType)
}
