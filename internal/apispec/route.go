package apispec

import (
	"net/url"
	"slices"

	"github.com/partoo-go/partoo/internal/pathtemplate"
)

// Route returns the operation of ops for method and rel, the escaped
// request path relative to the server URL (with or without its leading
// slash), or nil. When several path templates match, the one with the most
// literal segments wins, so /webhooks/tryout is not taken for
// /webhooks/{webhook_id}. It allocates nothing.
func Route(ops []Operation, method, rel string) *Operation {
	var best *Operation
	bestLiterals := -1
	for i := range ops {
		op := &ops[i]
		if op.Method != method {
			continue
		}
		if n, ok := pathtemplate.Match(op.Path, rel); ok && n > bestLiterals {
			best, bestLiterals = op, n
		}
	}
	return best
}

// Allowed returns the methods of the operations of ops whose path template
// matches rel, sorted, without repeats: the Allow header of a 405.
func Allowed(ops []Operation, rel string) []string {
	var out []string
	for i := range ops {
		if _, ok := pathtemplate.Match(ops[i].Path, rel); ok && !slices.Contains(out, ops[i].Method) {
			out = append(out, ops[i].Method)
		}
	}
	slices.Sort(out)
	return out
}

// PathParam returns the unescaped value of the path parameter name in
// rel, the escaped request path of op (the segment as sent when it does not
// unescape), and whether rel has it.
func (op *Operation) PathParam(rel, name string) (string, bool) {
	seg, ok := pathtemplate.Param(op.Path, rel, name)
	if !ok {
		return "", false
	}
	if v, err := url.PathUnescape(seg); err == nil {
		return v, true
	}
	return seg, true
}

// ParamViolation is a violation of one of an operation's parameters.
type ParamViolation struct {
	// Param is the parameter broken.
	Param *Param
	Violation
}

// CheckParams checks the parameters of op against their schemas, in a
// request to rel (the escaped path relative to the server URL) whose
// query and header parameters the functions query and header give (nil
// for none given). skip, when not nil, leaves out the parameters it
// reports. The violations are located at the parameter ("per_page",
// "business_ids[1]"). A request whose parameters are valid is checked
// without allocating when query and header do not.
func (op *Operation) CheckParams(rel string, query, header func(name string) []string, skip func(*Param) bool) []ParamViolation {
	var out []ParamViolation
	var one [1]string
	for i := range op.Params {
		p := &op.Params[i]
		if skip != nil && skip(p) {
			continue
		}
		var values []string
		switch p.In {
		case "path":
			v, ok := op.PathParam(rel, p.Name)
			if !ok {
				continue
			}
			one[0] = v
			values = one[:]
		case "query":
			if query != nil {
				values = query(p.Name)
			}
		case "header":
			if header != nil {
				values = header(p.Name)
			}
		}
		for _, v := range CheckParam(p, values) {
			out = append(out, ParamViolation{Param: p, Violation: v})
		}
	}
	return out
}
