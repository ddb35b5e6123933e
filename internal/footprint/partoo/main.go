// Command partoo is the smallest useful program built on package partoo: it
// fetches one webhook configuration and prints its id and event type.
//
// It exists to measure what importing partoo costs a consumer (linked
// packages, binary size, init time); `make footprint` builds it next to
// internal/footprint/nethttp, the same program written with net/http alone,
// and compares the two. Usage:
//
//	PARTOO_API_KEY=... partoo BASE_URL
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/partoo-go/partoo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: PARTOO_API_KEY=... partoo BASE_URL")
		os.Exit(2)
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
