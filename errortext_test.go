package partoo_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// errorText is one error of the client, produced by a real call.
type errorText struct {
	name string
	// want is the exact text; {URL} stands for the server's URL.
	want string
	// is is a sentinel the error matches.
	is  error
	err func(t *testing.T, ctx context.Context) (string, error)
}

// errorTexts are the texts the docs quote and the issues a newcomer meets
// first: one "partoo: " prefix, then the method and the path as sent (base
// path included), whatever refused the call.
func errorTexts() []errorText {
	return []errorText{{
		name: "404",
		want: "partoo: GET /v2/webhooks/999: 404 Not Found: Resource not found",
		is:   partoo.ErrNotFound,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			_, err := srv.Client().Webhooks.Get(ctx, 999)
			return srv.URL, err
		},
	}, {
		name: "404 with a base URL that lacks the spec's base path",
		want: "partoo: GET /webhooks/999: 404 Not Found: Resource not found (hint: the base URL {URL} has no base path, the spec's servers have /v2; check WithBaseURL)",
		is:   partoo.ErrNotFound,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			base := strings.TrimSuffix(srv.URL, "/v2")
			client, err := partoo.NewClient(srv.APIKey, partoo.WithBaseURL(base))
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Webhooks.Get(ctx, 999)
			return base, err
		},
	}, {
		name: "invalid parameter",
		want: "partoo: GET /v2/webhooks: request not sent: getWebhookList: query parameter per_page: Must be greater than or equal to 1 and less than or equal to 100, got 500.",
		is:   partoo.ErrInvalidRequest,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			perPage := 500
			for _, err := range srv.Client().Webhooks.List(ctx, &gen.GetWebhookListParams{PerPage: &perPage}) {
				return srv.URL, err
			}
			t.Fatal("the iterator yielded nothing")
			return "", nil
		},
	}, {
		name: "invalid header name",
		want: `partoo: GET /v2/webhooks: request not sent: WithHeader: "Bad Name" is not a valid header name`,
		is:   partoo.ErrInvalidOption,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			for _, err := range srv.Client().Webhooks.List(ctx, nil, partoo.WithHeader("Bad Name", "x")) {
				return srv.URL, err
			}
			t.Fatal("the iterator yielded nothing")
			return "", nil
		},
	}, {
		name: "nil CaptureResponse",
		want: "partoo: GET /v2/webhooks/1: request not sent: CaptureResponse: the Response is nil",
		is:   partoo.ErrInvalidOption,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			_, err := srv.Client().Webhooks.Get(ctx, 1, partoo.CaptureResponse(nil))
			return srv.URL, err
		},
	}, {
		name: "invalid call option of Do",
		want: "partoo: GET /v2/anything: request not sent: WithMaxPages: 0 is not a positive number of pages",
		is:   partoo.ErrInvalidOption,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			srv := partootest.NewTestServer(t)
			return srv.URL, srv.Client().Do(ctx, http.MethodGet, "/anything", nil, nil, nil, partoo.WithMaxPages(0))
		},
	}, {
		name: "invalid client option",
		want: "partoo: WithRetryPolicy: MaxAttempts -1 is negative",
		is:   partoo.ErrInvalidOption,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			_, err := partoo.NewClient("a-key", partoo.WithRetryPolicy(partoo.RetryPolicy{MaxAttempts: -1}))
			return "", err
		},
	}, {
		name: "attempt timeout",
		want: `partoo: GET /v2/webhooks/1: the attempt timeout of 20ms passed (WithAttemptTimeout, else the client's WithTimeout): Get "{URL}/v2/webhooks/1": context deadline exceeded (after 2 attempts)`,
		is:   context.DeadlineExceeded,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			url := silentServer(t, nil)
			client, err := partoo.NewClient("a-key", partoo.WithBaseURL(url+"/v2"),
				partoo.WithRetryPolicy(partoo.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Webhooks.Get(ctx, 1, partoo.WithAttemptTimeout(20*time.Millisecond))
			return url, err
		},
	}, {
		name: "the caller's context",
		want: `partoo: GET /v2/webhooks/1: the caller's context ended: Get "{URL}/v2/webhooks/1": context canceled`,
		is:   context.Canceled,
		err: func(t *testing.T, ctx context.Context) (string, error) {
			arrived := make(chan struct{}, 1)
			url := silentServer(t, arrived)
			client, err := partoo.NewClient("a-key", partoo.WithBaseURL(url+"/v2"))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(ctx)
			go func() {
				<-arrived
				cancel()
			}()
			_, err = client.Webhooks.Get(ctx, 1)
			return url, err
		},
	}}
}

// silentServer starts a server that never answers: each request waits
// until its client gives up. arrived, if not nil, is told of each request.
func silentServer(t *testing.T, arrived chan<- struct{}) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

// TestErrorTexts pins the exact text of the errors a caller meets first,
// and the sentinel each matches.
func TestErrorTexts(t *testing.T) {
	t.Parallel()
	for _, tc := range errorTexts() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url, err := tc.err(t, context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if want := strings.ReplaceAll(tc.want, "{URL}", url); err.Error() != want {
				t.Errorf("the error reads\n%s\nwant\n%s", err, want)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

// TestDocumentedErrorTextsAreReal checks that every error text the docs
// quote (a code span that starts with "partoo: " in the README, docs/ and
// the package's doc comments) is the text of a real error of
// TestErrorTexts, and that ValidationError's godoc quotes its real text.
func TestDocumentedErrorTextsAreReal(t *testing.T) {
	t.Parallel()
	real := map[string]bool{}
	for _, tc := range errorTexts() {
		real[tc.want] = true
	}
	quoted := regexp.MustCompile("`(partoo: [^`]+)`")
	n := 0
	check := func(where, text string) {
		for _, m := range quoted.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1) {
			n++
			if !real[m[1]] {
				t.Errorf("%s quotes the error text %q, which no error of TestErrorTexts has: quote a real one, or add it there", where, m[1])
			}
		}
	}
	mds, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(mds, "README.md") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, string(data))
	}
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var validationDoc string
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		{
			for _, cg := range f.Comments {
				check(name, cg.Text())
			}
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Error" && fn.Recv != nil && fn.Doc != nil &&
					strings.Contains(types(fn.Recv), "ValidationError") {
					validationDoc = strings.Join(strings.Fields(fn.Doc.Text()), " ")
				}
			}
		}
	}
	if n < 3 {
		t.Errorf("found %d quoted error texts; the README and the godoc quote more", n)
	}

	// ValidationError on its own, as errors.As gives it.
	srv := partootest.NewTestServer(t)
	perPage := 500
	var verr *partoo.ValidationError
	for _, err := range srv.Client().Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
		if !errors.As(err, &verr) {
			t.Fatalf("%v is no *ValidationError", err)
		}
		break
	}
	if verr == nil {
		t.Fatal("the iterator yielded nothing")
	}
	if !strings.Contains(validationDoc, "`"+verr.Error()+"`") {
		t.Errorf("ValidationError.Error's doc does not quote its real text %q:\n%s", verr.Error(), validationDoc)
	}
}

// types returns the receiver types of a method, as written.
func types(fl *ast.FieldList) string {
	var b strings.Builder
	for _, f := range fl.List {
		ast.Inspect(f.Type, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				b.WriteString(id.Name)
			}
			return true
		})
	}
	return b.String()
}
