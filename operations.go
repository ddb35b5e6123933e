package partoo

import (
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// operationTable finds the spec operation of an outgoing request, so that
// generic behaviour (org_id defaulting, body validation) follows the spec
// without code per operation. It is built once per client from the
// generated gen.Operations and never changes afterwards.
type operationTable struct {
	byMethod map[string][]operationRoute
}

type operationRoute struct {
	info  gen.OperationInfo
	path  pathtemplate.Template
	query map[string]bool
}

func newOperationTable(ops []gen.OperationInfo) *operationTable {
	t := &operationTable{byMethod: make(map[string][]operationRoute)}
	for _, op := range ops {
		r := operationRoute{info: op, path: pathtemplate.Parse(op.Path), query: make(map[string]bool, len(op.QueryParams))}
		for _, q := range op.QueryParams {
			r.query[q] = true
		}
		t.byMethod[op.Method] = append(t.byMethod[op.Method], r)
	}
	return t
}

// match returns the operation for method and an escaped path relative to the
// server URL, or nil. Literal segments win over path parameters, so
// /webhooks/tryout is not taken for /webhooks/{webhook_id}.
func (t *operationTable) match(method, path string) *operationRoute {
	segs := pathtemplate.Segments(path)
	var best *operationRoute
	for i := range t.byMethod[method] {
		r := &t.byMethod[method][i]
		if r.path.Match(segs) && (best == nil || r.path.Literals() > best.path.Literals()) {
			best = r
		}
	}
	return best
}

func (r *operationRoute) hasQuery(name string) bool { return r.query[name] }
