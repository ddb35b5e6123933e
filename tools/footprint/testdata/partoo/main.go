// Command partoo is the smallest useful program built on package partoo:
// given a base URL it fetches webhook 1 and prints its id and event type.
// The footprint test builds it next to ../nethttp, the same program
// written with net/http alone, to measure what importing partoo costs.
// Usage:
//
//	PARTOO_API_KEY=... partoo [BASE_URL]
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/partoo-go/partoo"
)

func main() {
	if len(os.Args) < 2 {
		return // only the initialization is measured
	}
	client, err := partoo.NewClient(os.Getenv("PARTOO_API_KEY"), partoo.WithBaseURL(os.Args[1]))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hook, err := client.Webhooks.Get(context.Background(), 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(hook.ID, hook.EventType)
}
