package partootest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/partoo-go/partoo/internal/apispec"
)

// Behavior is how the server answers an operation once the request passed
// every check; [Server.Operations] lists each operation's.
type Behavior string

// The behaviours, described in the package documentation ("Behaviours").
const (
	Stateful Behavior = "stateful" // create, read, update, delete and list of a resource family
	Example  Behavior = "example"  // the spec's example of the success response
	Override Behavior = "override" // written by hand: POST /webhooks/tryout
)

// OperationInfo describes one operation the server serves.
type OperationInfo struct {
	ID       string   // the spec's operationId
	Method   string   // the HTTP method
	Path     string   // the spec's path template, relative to [Server.URL]: "/webhooks/{webhook_id}"
	Behavior Behavior // how the server answers it
}

// Operations lists the operations the server serves (on a zero Server,
// those [NewServer] would), in the spec's order, with their behaviours.
func (s *Server) Operations() []OperationInfo {
	e := s.engine
	if e == nil {
		e = newEngine(apispec.Operations[:], true, nil)
	}
	out := make([]OperationInfo, len(e.ops))
	for i, op := range e.ops {
		out[i] = OperationInfo{ID: op.ID, Method: op.Method, Path: op.Path, Behavior: e.behaviors[i]}
	}
	return out
}

// example answers the spec's example of the success response; a list's is
// one page, whose pagination fields end the walk there.
func (s *Server) example(c *call) *response {
	if c.op.List.Style == apispec.NotList {
		return successExample(c.op)
	}
	v, err := decodeObject([]byte(c.op.Success.Example))
	if err != nil {
		return successExample(c.op)
	}
	items, _ := v[c.op.List.Field].([]any)
	switch c.op.List.Style {
	case apispec.PageList:
		page := intParam(c.op, c.query, "page", 1)
		if page > 1 {
			items = []any{}
		}
		v["page"], v["max_page"] = json.Number(strconv.FormatInt(page, 10)), json.Number("1")
	case apispec.CursorList, apispec.NextList:
		if c.query.Get("cursor") != "" {
			items = []any{}
		}
		v[map[apispec.ListStyle]string{apispec.CursorList: "next_cursor", apispec.NextList: "next"}[c.op.List.Style]] = nil
	}
	if _, ok := v["count"]; ok {
		v["count"] = json.Number(strconv.Itoa(len(items)))
	}
	v[c.op.List.Field] = items
	return marshalResponse(c.op.Success.Status, v)
}

// successExample is the success status with the spec's example, or with
// no body when the spec declares none (204).
func successExample(op *apispec.Operation) *response {
	if op.Success.Schema == apispec.NoSchema || !bodyAllowed(op.Success.Status) {
		return jsonResponse(op.Success.Status, nil)
	}
	return jsonResponse(op.Success.Status, []byte(cmp.Or(op.Success.Example, "{}")))
}

// bodyAllowed reports whether a response of status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
