package partoo

import (
	"strings"

	"github.com/partoo-go/partoo/gen"
)

// operationTable finds the spec operation of an outgoing request, so that
// generic behaviour (org_id defaulting, body validation) follows the spec
// without code per operation. It is built once per client from the
// generated gen.Operations and never changes afterwards.
type operationTable struct {
	byMethod map[string][]operationRoute
}

type operationRoute struct {
	info     gen.OperationInfo
	segments []string // "" marks a path parameter
	literals int
	query    map[string]bool
}

func newOperationTable(ops []gen.OperationInfo) *operationTable {
	t := &operationTable{byMethod: make(map[string][]operationRoute)}
	for _, op := range ops {
		r := operationRoute{info: op, query: make(map[string]bool, len(op.QueryParams))}
		for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				seg = ""
			} else {
				r.literals++
			}
			r.segments = append(r.segments, seg)
		}
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
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *operationRoute
	for i := range t.byMethod[method] {
		r := &t.byMethod[method][i]
		if len(r.segments) != len(segs) {
			continue
		}
		ok := true
		for j, s := range r.segments {
			if s != "" && s != segs[j] {
				ok = false
				break
			}
		}
		if ok && (best == nil || r.literals > best.literals) {
			best = r
		}
	}
	return best
}

func (r *operationRoute) hasQuery(name string) bool { return r.query[name] }
