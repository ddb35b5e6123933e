package main

import (
	"context"
	"os"
	"testing"

	"github.com/partoo-go/partoo/partootest"
)

func TestRun(t *testing.T) {
	srv := partootest.NewTestServer(t) // a fake Partoo on a loopback port, closed by the test
	if err := run(context.Background(), srv.Client(), os.Stdout); err != nil {
		t.Fatal(err)
	}
}
