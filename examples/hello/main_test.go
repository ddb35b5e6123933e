package main

import (
	"context"
	"strings"
	"testing"

	"github.com/partoo-go/partoo/partootest"
)

func TestRun(t *testing.T) {
	srv := partootest.NewTestServer(t) // a fake Partoo on 127.0.0.1, stopped when the test ends
	var out strings.Builder
	if err := run(context.Background(), srv.Client(), &out); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if !strings.Contains(out.String(), "https://example.com/partoo") {
		t.Errorf("the new webhook is not listed:\n%s", out.String())
	}
}
