package partoo

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo/gen"
)

// listPage is the shape the generated List decoders decode into.
type listPage struct {
	pageInfo
	Items []gen.WebhookItem `json:"items"`
}

// selfDecoding decodes itself, as nullable.Nullable does: it tells null
// from absent.
type selfDecoding struct{ raw string }

func (s *selfDecoding) UnmarshalJSON(b []byte) error {
	s.raw = string(b)
	return nil
}

// kinds has a field of every kind the fast decoders handle, and some that
// they leave to encoding/json.
type kinds struct {
	S     string            `json:"s"`
	I     int               `json:"i"`
	I8    int8              `json:"i8"`
	F     float64           `json:"f"`
	F32   float32           `json:"f32"`
	B     bool              `json:"b"`
	P     *int              `json:"p,omitempty"`
	PP    **string          `json:"pp"`
	L     []string          `json:"l"`
	LL    [][]int           `json:"ll"`
	M     map[string]string `json:"m"`
	H     *gen.CustomHeaders
	E     gen.EventType `json:"e"`
	Bytes []byte        `json:"bytes"`
	Any   any           `json:"any"`
	Null  selfDecoding  `json:"null"`
	Nest  *kinds        `json:"nest"`
	Skip  string        `json:"-"`
	Str   int           `json:"str,string"`
	U     uint          `json:"u"`
	//lint:ignore U1000 an unexported field, which the decoder must skip as encoding/json does
	hid string
}

// decodeTargets returns a fresh value of each type the decoder tests use.
func decodeTargets() []any {
	return []any{new(gen.WebhookItem), new(listPage), new(struct {
		Items []gen.WebhookItem `json:"items,omitempty"`
	}), new(gen.TryoutResult), new(kinds), new(gen.WebhookBusiness), new([]gen.WebhookItem)}
}

// internPage is a page whose strings fill the decoder's string table, with
// values that repeat and some that do not.
var internPage = `{"items":[` + strings.Repeat(`{"url":"https://example.com/a","event_type":"e1","custom_headers":{"X-A":"v","X-B":"w"}},`, 40) +
	`{"url":"https://example.com/b","event_type":"e2","created_at":"https://example.com/a"}]}`

// decodeSeeds are bodies that exercise the fast decoders and every reason
// they have to leave a body to encoding/json.
var decodeSeeds = []string{
	`{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1,"custom_headers":{"X-My-Header":"my-value"}}`,
	`{"page":2,"max_page":3,"count":250,"items":[{"id":7,"event_type":"a_new_event_type","unknown":{"deep":[1,2.5e3,true,null,"x"]}}]}`,
	`{"items":[]}`, `{"items":null}`, `{"items":[null,{}]}`, `null`, ` {"id" : 1 } `, `{}`, `[]`, `[{"id":1}]`,
	`{"id":1,"id":2}`, `{"ID":1}`, `{"Id":1}`, `{"i_d":1}`, `{"\u0069d":1}`, `{"iſ":1}`, `{"ıd":1}`,
	`{"id":1.0}`, `{"id":1e2}`, `{"id":-0}`, `{"id":01}`, `{"id":9223372036854775807}`, `{"id":99999999999999999999}`,
	`{"id":"1"}`, `{"id":null}`, `{"id":true}`, `{"url":null}`, `{"custom_headers":null}`, `{"custom_headers":{}}`,
	`{"custom_headers":{"a":null}}`, `{"custom_headers":{"a":"1","a":"2"}}`, `{"custom_headers":{"\u00e9":"\ud83d\ude00"}}`,
	`{"url":"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t"}`, `{"url":"\ud800"}`, `{"url":"\udc00x"}`, `{"url":"\ud800\u0041"}`,
	"{\"url\":\"caf\xc3\xa9\"}", "{\"url\":\"\xff\"}", "{\"url\":\"a\x01\"}", `{"url":"\x"}`, `{"url":"\u12"}`,
	`{"id":1}x`, `{"id":1,}`, `{"id":1`, `{"id" 1}`, `{id:1}`, `{"id":tru}`, `{"id":truex}`, `{"x":nul}`,
	`{"s":"a","i":-42,"i8":127,"f":1.5e-3,"f32":3.4e39,"b":true,"p":5,"pp":"x","l":["a","b"],"ll":[[1],[],null],"m":{"k":"v"},"e":"x"}`,
	`{"i8":128}`, `{"f":1e400}`, `{"b":false,"B":true}`, `{"bytes":"aGk="}`, `{"any":{"n":12345678901234567890}}`, `{"any":null}`,
	`{"null":null}`, `{"null":1}`, `{"nest":{"nest":{"s":"deep"}}}`, `{"Skip":"x","-":"y"}`, `{"str":"5"}`, `{"u":1}`,
	`{"hid":"x"}`, `{"H":{"X-A":"b"}}`, `{"h":{"X-A":"b"}}`, `{"pp":null}`, `{"x":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]}`,
	`{"x":"` + strings.Repeat("[", 200) + `"}`, `{"x":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
	internPage, `{"x":-}`, `{"x":1.}`, `{"x":.5}`, `{"x":1e}`, `{"x":-01}`, `{"x":1E+2}`, "{\"x\":1}\x00", "\ufeff{}",
}

// FuzzDecode checks that the client decodes every body exactly as
// encoding/json does, into every target type: the same value when both
// succeed, an error from both otherwise.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	c := &Client{decoders: new(decoders)}
	exportAll := cmp.Exporter(func(reflect.Type) bool { return true })
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, target := range decodeTargets() {
			typ := reflect.TypeOf(target).Elem()
			want := reflect.New(typ).Interface()
			wantErr := json.Unmarshal(b, want)
			gotErr := c.decode(b, target)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("%T from %q: error %v, encoding/json's %v", target, b, gotErr, wantErr)
			}
			if gotErr != nil {
				continue
			}
			if !c.decoders.fast(b, reflect.New(typ).Interface()) {
				// encoding/json decoded it after the fast decoder gave up;
				// the values may hold deep trees of any, which cmp walks
				// slowly: their encodings must match.
				if g, w := mustMarshal(t, target), mustMarshal(t, want); g != w {
					t.Fatalf("%T from %q: %s, encoding/json's %s", target, b, g, w)
				}
				continue
			}
			if diff := cmp.Diff(want, target, exportAll); diff != "" {
				t.Fatalf("%T from %q (-encoding/json +client):\n%s", target, b, diff)
			}
		}
	})
}

func mustMarshal(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDecodeFastPath checks which bodies the compiled decoders read
// themselves: the common answers must not fall back to encoding/json,
// which would be correct but slow.
func TestDecodeFastPath(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		target any
		fast   bool
	}{
		{"item", decodeSeeds[0], new(gen.WebhookItem), true},
		{"page with an unknown field and enum value", decodeSeeds[1], new(listPage), true},
		{"escapes and non-ASCII", `{"url":"caf\u00e9 caf` + "\u00e9" + ` \/","custom_headers":{"X-\u00e9":"\ud83d\ude00"}}`, new(gen.WebhookItem), true},
		{"empty list", `{"items":[]}`, new(listPage), true},
		{"a page whose strings repeat", internPage, new(listPage), true},
		{"case-folded key", `{"ID":1}`, new(gen.WebhookItem), false},
		{"duplicate key", `{"id":1,"id":2}`, new(gen.WebhookItem), false},
		{"syntax error", `{"id":1,}`, new(gen.WebhookItem), false},
		{"fraction into an int", `{"id":1.5}`, new(gen.WebhookItem), false},
		{"map of any", `{"a":1}`, new(gen.TryoutResult), false},
		{"self-decoding field", `{"null":null}`, new(kinds), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ds decoders
			if got := ds.fast([]byte(tt.body), tt.target); got != tt.fast {
				t.Errorf("fast(%s) = %v, want %v", tt.body, got, tt.fast)
			}
		})
	}
}

// TestDecodeStringTableOutlivesTheCall checks that a client allocates the
// strings its answers repeat once, not once a call: an item whose strings
// are long allocates no more than the same item with strings of one byte,
// which Go never allocates.
func TestDecodeStringTableOutlivesTheCall(t *testing.T) {
	if raceEnabled() {
		t.Skip("the race detector allocates on its own and empties sync.Pools at random")
	}
	var ds decoders
	perDecode := func(body string) float64 {
		return testing.AllocsPerRun(100, func() {
			var it gen.WebhookItem
			if !ds.fast([]byte(body), &it) {
				t.Fatalf("fast(%s) = false", body)
			}
		})
	}
	item := `{"id":1,"url":%q,"event_type":%q,"custom_headers":{%q:%q}}`
	short := perDecode(fmt.Sprintf(item, "u", "e", "X", "v"))
	long := perDecode(fmt.Sprintf(item, "https://example.com/hook", "business_created", "X-Name", "a-value"))
	if long > short {
		t.Errorf("decoding the item allocates %.0f objects with long strings, %.0f with strings of one byte: want as many", long, short)
	}
}

// TestDecodeSemantics checks the promises of the decoding seam on answers
// the fast decoders read: unknown fields and enum values decode, null and
// absent stay apart where the type tells them apart, integers are exact,
// and a body that does not decode is the encoding/json error.
func TestDecodeSemantics(t *testing.T) {
	c := &Client{decoders: new(decoders)}
	var it gen.WebhookItem
	if err := c.decode([]byte(`{"id":9007199254740993,"event_type":"not_in_the_spec_yet","new_field":{"a":[1]}}`), &it); err != nil {
		t.Fatal(err)
	}
	if it.ID != 9007199254740993 || it.EventType != "not_in_the_spec_yet" || it.CustomHeaders != nil {
		t.Errorf("got %+v", it)
	}
	var withNull kinds
	if err := c.decode([]byte(`{"null":null}`), &withNull); err != nil || withNull.Null.raw != "null" {
		t.Errorf("null: %q, %v; want the field to see the null", withNull.Null.raw, err)
	}
	var absent kinds
	if err := c.decode([]byte(`{}`), &absent); err != nil || absent.Null.raw != "" {
		t.Errorf("absent: %q, %v; want the field untouched", absent.Null.raw, err)
	}
	var bad gen.WebhookItem
	err := c.decode([]byte(`{"id":"1"}`), &bad)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); !ok {
		t.Errorf("a string id: %v, want a *json.UnmarshalTypeError", err)
	}
}
