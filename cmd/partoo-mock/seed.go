package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// A seed file is read in two steps: readSeed checks its JSON and its
// shape, remembering where each item is; seed.load stores the items in the
// server through the same checks as the API (webhooks) or as given
// (resources). Every error says where: file, line, column and field.

// seedError is a problem in a seed file.
type seedError struct {
	// File is the file's path.
	File string
	// Line and Column locate the problem, from 1 (Column counts
	// characters); both are 0 when the error is about the whole file.
	Line, Column int
	// Field is the JSON path of the value at fault, such as
	// "webhooks[1].url" or `resources["/business"][0]`; "" for the file.
	Field string
	// Err says what is wrong.
	Err error
}

func (e *seedError) Error() string {
	var b strings.Builder
	b.WriteString("-seed ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *seedError) Unwrap() error { return e.Err }

// seed is the content of a seed file.
type seed struct {
	file      string
	src       []byte
	webhooks  []gen.WebhookItem
	hookAt    []place // where each webhook is
	resources []resourceSeed
}

// resourceSeed is the items of one collection.
type resourceSeed struct {
	collection string
	at         place // where the collection's key is
	items      []map[string]any
	itemAt     []place
}

// place is where a value is: its JSON path and its offset, and for an
// object the offsets of its members' values.
type place struct {
	field   string
	off     int64
	members map[string]int64
}

// webhookFields are the JSON names of a webhook's fields.
var webhookFields = func() []string {
	var out []string
	t := reflect.TypeFor[gen.WebhookItem]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}()

// readSeed reads a seed file and checks its JSON and its shape.
func readSeed(path string) (*seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &seedError{File: path, Err: err}
	}
	r := &seedReader{file: path, b: b, dec: json.NewDecoder(bytes.NewReader(b))}
	r.dec.UseNumber()
	sd := &seed{file: path, src: b}
	switch off, c := r.peek(); c {
	case '[': // the first format: an array of webhooks
		err = r.webhooks(sd, "")
	case '{':
		err = r.object("", func(key string, keyOff int64) error {
			switch key {
			case "webhooks", "items": // "items": the shape of a list response
				return r.webhooks(sd, key)
			case "resources":
				return r.resources(sd)
			}
			return r.fail(keyOff, key, errors.New(`unknown field: a seed file has "webhooks" and "resources"`))
		})
	default:
		err = r.fail(off, "", errors.New(`want a JSON object, {"webhooks": [...], "resources": {...}}, or an array of webhooks`))
	}
	if err != nil {
		return nil, err
	}
	if off, _ := r.peek(); !errors.Is(r.end(), io.EOF) {
		return nil, r.fail(off, "", errors.New("data after the JSON value"))
	}
	return sd, nil
}

// webhooks reads an array of webhook objects, the value of key.
func (r *seedReader) webhooks(sd *seed, key string) error {
	return r.array(key, "an array of webhook objects", func(i int) error {
		at := place{field: fmt.Sprintf("%s[%d]", key, i), members: map[string]int64{}}
		at.off, _ = r.peek()
		vals := map[string]json.RawMessage{}
		err := r.object(at.field, func(name string, nameOff int64) error {
			if !slices.Contains(webhookFields, name) {
				return r.fail(nameOff, at.field+"."+name, fmt.Errorf("unknown field; a webhook has %s", strings.Join(webhookFields, ", ")))
			}
			at.members[name], _ = r.peek()
			var raw json.RawMessage
			if err := r.dec.Decode(&raw); err != nil {
				return r.decodeError(at.field+"."+name, err)
			}
			vals[name] = raw
			return nil
		})
		if err != nil {
			return err
		}
		b, _ := json.Marshal(vals)
		var it gen.WebhookItem
		if err := json.Unmarshal(b, &it); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				member, _, _ := strings.Cut(te.Field, ".")
				return r.fail(at.members[member], at.field+"."+te.Field, fmt.Errorf("got a JSON %s, want %s", te.Value, te.Type))
			}
			return r.fail(at.off, at.field, err)
		}
		sd.webhooks = append(sd.webhooks, it)
		sd.hookAt = append(sd.hookAt, at)
		return nil
	})
}

// resources reads the object of collections.
func (r *seedReader) resources(sd *seed) error {
	return r.object("resources", func(coll string, collOff int64) error {
		rs := resourceSeed{collection: coll, at: place{field: fmt.Sprintf("resources[%q]", coll), off: collOff}}
		err := r.array(rs.at.field, "an array of items", func(i int) error {
			at := place{field: fmt.Sprintf("%s[%d]", rs.at.field, i)}
			var c byte
			if at.off, c = r.peek(); c != '{' {
				return r.fail(at.off, at.field, errors.New("want an object"))
			}
			var v map[string]any
			if err := r.dec.Decode(&v); err != nil {
				return r.decodeError(at.field, err)
			}
			rs.items = append(rs.items, v)
			rs.itemAt = append(rs.itemAt, at)
			return nil
		})
		sd.resources = append(sd.resources, rs)
		return err
	})
}

// load stores the seed in srv: the webhooks through the checks of POST
// /webhooks (all or none), the resources as given. It returns how many of
// each it stored.
func (sd *seed) load(srv *partootest.Server) (webhooks, resources int, err error) {
	if len(sd.webhooks) > 0 {
		if _, err := srv.CreateWebhooks(sd.webhooks...); err != nil {
			return 0, 0, sd.webhookError(err)
		}
	}
	for _, rs := range sd.resources {
		if rs.collection == "/webhooks" {
			return 0, 0, sd.fail(rs.at.off, rs.at.field, errors.New(`webhook configurations go in "webhooks", where they are checked as POST /webhooks checks them`))
		}
		for i, item := range rs.items {
			if _, err := srv.AddResource(rs.collection, item); err != nil {
				return 0, 0, sd.fail(rs.itemAt[i].off, rs.itemAt[i].field, err)
			}
			resources++
		}
	}
	return len(sd.webhooks), resources, nil
}

// webhookError locates the refusal of CreateWebhooks, whose fields name
// the webhooks items[i]: it reports the first webhook at fault, with
// every message about it.
func (sd *seed) webhookError(err error) error {
	var fields partootest.FieldErrors
	if !errors.As(err, &fields) {
		return &seedError{File: sd.file, Field: "webhooks", Err: err}
	}
	first, firstField := -1, ""
	var msgs []string
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i, rest, ok := itemIndex(k)
		if !ok || i >= len(sd.hookAt) {
			continue
		}
		if first == -1 || i < first {
			first, firstField, msgs = i, rest, nil
		}
		if i == first {
			for _, m := range fields[k] {
				msgs = append(msgs, strings.TrimPrefix(rest, ".")+": "+m)
			}
		}
	}
	if first == -1 {
		return &seedError{File: sd.file, Field: "webhooks", Err: err}
	}
	at := sd.hookAt[first]
	off := at.off
	member, _, _ := strings.Cut(strings.TrimPrefix(firstField, "."), ".")
	if o, ok := at.members[member]; ok {
		off = o
	}
	return sd.fail(off, at.field, errors.New(strings.Join(msgs, "; ")))
}

// itemIndex splits "items[3].url" into 3 and ".url".
func itemIndex(field string) (int, string, bool) {
	rest, ok := strings.CutPrefix(field, "items[")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(rest, "]")
	i, err := strconv.Atoi(num)
	return i, rest, ok && err == nil
}

func (sd *seed) fail(off int64, field string, err error) *seedError {
	line, col := position(sd.src, off, false)
	return &seedError{File: sd.file, Line: line, Column: col, Field: field, Err: err}
}

// seedReader walks a seed file's JSON, knowing where each value is.
type seedReader struct {
	file string
	b    []byte
	dec  *json.Decoder
}

// peek returns the offset of the next value and its first byte (0 at the
// end).
func (r *seedReader) peek() (int64, byte) {
	off := r.dec.InputOffset()
	for off < int64(len(r.b)) && isSeparator(r.b[off]) {
		off++
	}
	if off >= int64(len(r.b)) {
		return off, 0
	}
	return off, r.b[off]
}

func isSeparator(c byte) bool { return strings.IndexByte(" \t\r\n,:", c) >= 0 }

// fail is an error at the value that starts at off.
func (r *seedReader) fail(off int64, field string, err error) *seedError {
	line, col := position(r.b, off, false)
	return &seedError{File: r.file, Line: line, Column: col, Field: field, Err: err}
}

// decodeError is the decoder's error err, at its position.
func (r *seedReader) decodeError(field string, err error) *seedError {
	var syn *json.SyntaxError
	var off int64
	switch {
	case errors.As(err, &syn):
		// The decoder's offsets depend on the call that failed (Token or
		// Decode); decoding the whole file gives the absolute offset just
		// past the byte that broke the syntax.
		off = syn.Offset
		if whole := json.Unmarshal(r.b, new(any)); errors.As(whole, &syn) {
			off, err = syn.Offset-1, syn
		}
		if syn.Offset >= int64(len(r.b)) {
			// Broken at the very end: the file was cut short.
			off, err = int64(len(r.b)), errors.New("unexpected end of the file")
		}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off, err = int64(len(r.b)), errors.New("unexpected end of the file")
	default:
		off, _ = r.peek()
	}
	line, col := position(r.b, off, true)
	return &seedError{File: r.file, Line: line, Column: col, Field: field, Err: err}
}

// end reads what follows the top-level value: io.EOF when nothing does.
func (r *seedReader) end() error {
	_, err := r.dec.Token()
	if err == nil {
		return errors.New("data after the JSON value")
	}
	return err
}

// delim reads the token want ('{' or '['), named what in errors.
func (r *seedReader) delim(want json.Delim, field, what string) error {
	off, _ := r.peek()
	tok, err := r.dec.Token()
	if err != nil {
		return r.decodeError(field, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return r.fail(off, field, fmt.Errorf("want %s, got %s", what, describe(tok)))
	}
	return nil
}

// object reads an object, calling each with every member's name (and its
// offset) to read its value.
func (r *seedReader) object(field string, each func(name string, nameOff int64) error) error {
	what := "an object"
	if field == "" {
		what = "a JSON object"
	}
	if err := r.delim('{', field, what); err != nil {
		return err
	}
	for r.dec.More() {
		off, _ := r.peek()
		tok, err := r.dec.Token()
		if err != nil {
			return r.decodeError(field, err)
		}
		if err := each(tok.(string), off); err != nil {
			return err
		}
	}
	if _, err := r.dec.Token(); err != nil {
		return r.decodeError(field, err)
	}
	return nil
}

// array reads an array named what, calling each to read every element.
func (r *seedReader) array(field, what string, each func(i int) error) error {
	if err := r.delim('[', field, what); err != nil {
		return err
	}
	for i := 0; r.dec.More(); i++ {
		if err := each(i); err != nil {
			return err
		}
	}
	if _, err := r.dec.Token(); err != nil {
		return r.decodeError(field, err)
	}
	return nil
}

// describe names the JSON type of a token.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// position returns the line and the column (in characters), from 1, of
// byte off of b. Unless exact, it first skips the white space, commas and
// colons before the value that starts there.
func position(b []byte, off int64, exact bool) (int, int) {
	off = min(max(off, 0), int64(len(b)))
	for !exact && off < int64(len(b)) && isSeparator(b[off]) {
		off++
	}
	before := b[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
}
