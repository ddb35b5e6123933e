package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/partoo-go/partoo"
)

// TestIteratorStopsAfterMaxPages: a server that always announces one more
// page cannot make a loop run forever.
func TestIteratorStopsAfterMaxPages(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		page := 1
		if p := r.URL.Query().Get("page"); p != "" {
			page, _ = strconv.Atoi(p)
		}
		jsonReply(200, fmt.Sprintf(`{"page":%d,"max_page":1000000,"count":1000000,"items":[%s]}`, page, itemJSON))(w, r)
	})
	c := newClient(t, f)
	items := 0
	var last error
	for _, err := range c.Webhooks.List(context.Background(), nil, partoo.WithMaxPages(3)) {
		if err != nil {
			last = err
			break
		}
		items++
	}
	if !errors.Is(last, partoo.ErrTooManyPages) || items != 3 || len(f.requests()) != 3 {
		t.Errorf("err = %v after %d items and %d requests, want ErrTooManyPages after 3 pages", last, items, len(f.requests()))
	}
}
