package partoo

import (
	"fmt"
	"net/http"
)

// doer is the gen.HttpRequestDoer under every generated operation. It sends
// the request and turns every non-2xx response into an *APIError, so error
// mapping is the same for all operations, including future ones.
type doer struct {
	client *http.Client
}

// Do implements gen.HttpRequestDoer.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("partoo: %s %s: %w", req.Method, req.URL.Path, err)
	}
	if err := CheckResponse(resp, nil); err != nil {
		return nil, err
	}
	return resp, nil
}
