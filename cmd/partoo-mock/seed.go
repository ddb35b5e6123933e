package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// seedError is a problem in a seed file, at Line and Column (from 1, in
// characters; 0 for the whole file) and at Field, a JSON path such as
// "webhooks[1].url" ("" for the file).
type seedError struct {
	File         string
	Line, Column int
	Field        string
	Err          error
}

func (e *seedError) Error() string {
	at := e.File
	if e.Line > 0 {
		at += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	if e.Field != "" {
		at += ": " + e.Field
	}
	return "-seed " + at + ": " + e.Err.Error()
}

func (e *seedError) Unwrap() error { return e.Err }

// seed is the content of a seed file. The file is decoded once, then
// indexed once by the decoder's offsets, so that every error says where it
// is: the file's line and column, and the JSON path of the value at fault.
type seed struct {
	file      string
	src       []byte
	at        map[string]int64 // the offset of every value by its path; of a member's name by its path and "#"
	webhooks  []gen.WebhookItem
	hookAt    []string // the path of each webhook
	resources []resource
	misplaced string // the path of webhooks given as resources
}

// resource is one item of a collection, at path.
type resource struct {
	collection, path string
	item             map[string]any
}

// readSeed reads a seed file: {"webhooks": [...], "resources": {...}}, or
// an array of webhooks, or {"items": [...]} (a list response).
func readSeed(path string) (*seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &seedError{File: path, Err: err}
	}
	sd := &seed{file: path, src: b, at: map[string]int64{}}
	if err := json.Unmarshal(b, new(any)); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) && syn.Offset < int64(len(b)) {
			return nil, sd.failAt(syn.Offset-1, "", err)
		}
		return nil, sd.failAt(int64(len(b)), "", errors.New("unexpected end of the file"))
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.Decode(&top)
	sd.index(json.NewDecoder(bytes.NewReader(b)), "")
	switch v := top.(type) {
	case []any:
		return sd, sd.readWebhooks("", v)
	case map[string]any:
		for _, name := range slices.SortedFunc(maps.Keys(v), func(a, b string) int { return cmp.Compare(sd.at[a], sd.at[b]) }) {
			switch name {
			case "webhooks", "items":
				err = sd.readWebhooks(name, v[name])
			case "resources":
				err = sd.readResources(v[name])
			default:
				err = sd.fail(name+"#", errors.New(`unknown field: a seed file has "webhooks" and "resources"`))
			}
			if err != nil {
				return nil, err
			}
		}
		return sd, nil
	}
	return nil, sd.fail("", errors.New(`want a JSON object, {"webhooks": [...], "resources": {...}}, or an array of webhooks`))
}

// index records the offset of the value at path, and of every value in
// it, reading them from dec.
func (sd *seed) index(dec *json.Decoder, path string) {
	sd.at[path] = sd.skip(dec.InputOffset())
	switch tok, _ := dec.Token(); tok {
	case json.Delim('{'):
		for dec.More() {
			nameOff := sd.skip(dec.InputOffset())
			name, _ := dec.Token()
			sub := fmt.Sprintf("%s.%s", path, name)
			switch path {
			case "":
				sub = fmt.Sprint(name)
			case "resources":
				sub = fmt.Sprintf("%s[%q]", path, name)
			}
			sd.at[sub+"#"] = nameOff
			sd.index(dec, sub)
		}
		dec.Token()
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			sd.index(dec, fmt.Sprintf("%s[%d]", path, i))
		}
		dec.Token()
	}
}

// readWebhooks reads the array v of webhooks at path.
func (sd *seed) readWebhooks(path string, v any) error {
	arr, ok := v.([]any)
	if !ok {
		return sd.fail(path, errors.New("want an array of webhook objects"))
	}
	for i, el := range arr {
		at := fmt.Sprintf("%s[%d]", path, i)
		if _, ok := el.(map[string]any); !ok {
			return sd.fail(at, errors.New("want an object"))
		}
		raw, _ := json.Marshal(el)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var it gen.WebhookItem
		var te *json.UnmarshalTypeError
		switch err := dec.Decode(&it); {
		case errors.As(err, &te):
			return sd.fail(at+"."+te.Field, fmt.Errorf("got a JSON %s, want %s", te.Value, te.Type))
		case err != nil:
			name, _ := strings.CutPrefix(err.Error(), "json: unknown field ")
			name, _ = strconv.Unquote(name)
			return sd.fail(at+"."+name+"#", errors.New("unknown field of a webhook"))
		}
		sd.webhooks, sd.hookAt = append(sd.webhooks, it), append(sd.hookAt, at)
	}
	return nil
}

// readResources reads the object v of collections.
func (sd *seed) readResources(v any) error {
	colls, ok := v.(map[string]any)
	if !ok {
		return sd.fail("resources", errors.New("want an object of collections"))
	}
	for _, coll := range slices.Sorted(maps.Keys(colls)) {
		path := fmt.Sprintf("resources[%q]", coll)
		items, ok := colls[coll].([]any)
		if !ok {
			return sd.fail(path, errors.New("want an array of items"))
		}
		if coll == "/webhooks" {
			sd.misplaced = path + "#"
		}
		for i, item := range items {
			r := resource{collection: coll, path: fmt.Sprintf("%s[%d]", path, i)}
			if r.item, ok = item.(map[string]any); !ok {
				return sd.fail(r.path, errors.New("want an object"))
			}
			sd.resources = append(sd.resources, r)
		}
	}
	return nil
}

// load stores the seed, if any, in srv: the webhooks as POST /webhooks
// creates them (all or none), the resources as given. It returns how many
// of each it stored.
func (sd *seed) load(srv *partootest.Server) (webhooks, resources int, err error) {
	switch {
	case sd == nil:
		return 0, 0, nil
	case sd.misplaced != "":
		return 0, 0, sd.fail(sd.misplaced, errors.New(`webhook configurations go in "webhooks", where they are checked as POST /webhooks checks them`))
	}
	if _, err := srv.CreateWebhooks(sd.webhooks...); err != nil {
		return 0, 0, sd.webhookError(err)
	}
	for _, r := range sd.resources {
		if _, err := srv.AddResource(r.collection, r.item); err != nil {
			return 0, 0, sd.fail(r.path, err)
		}
	}
	return len(sd.webhooks), len(sd.resources), nil
}

// webhookError locates the refusal of CreateWebhooks, whose fields name
// the webhooks items[i]: at the first webhook at fault, with every
// message about it, at its first field named.
func (sd *seed) webhookError(err error) error {
	var fields partootest.FieldErrors
	errors.As(err, &fields)
	first, member, msgs := len(sd.hookAt), "", []string(nil)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(k, "items[%d]%s", &i, &rest); n == 0 || i > first || i >= len(sd.hookAt) {
			continue
		}
		if i < first {
			first, member, msgs = i, rest, nil
		}
		for _, m := range fields[k] {
			msgs = append(msgs, strings.TrimPrefix(rest, ".")+": "+m)
		}
	}
	if first == len(sd.hookAt) {
		return &seedError{File: sd.file, Field: "webhooks", Err: err}
	}
	at := sd.hookAt[first]
	if _, ok := sd.at[at+member]; ok {
		return sd.failAt(sd.at[at+member], at, errors.New(strings.Join(msgs, "; ")))
	}
	return sd.fail(at, errors.New(strings.Join(msgs, "; ")))
}

// skip returns the offset of the next value from off: past white space,
// commas and colons.
func (sd *seed) skip(off int64) int64 {
	for off < int64(len(sd.src)) && strings.IndexByte(" \t\r\n,:", sd.src[off]) >= 0 {
		off++
	}
	return off
}

// fail is err at the value (or member name, with "#") at path.
func (sd *seed) fail(path string, err error) *seedError {
	return sd.failAt(sd.at[path], strings.TrimSuffix(path, "#"), err)
}

// failAt is err at byte off of the file, as line:column, about field.
func (sd *seed) failAt(off int64, field string, err error) *seedError {
	before := sd.src[:min(max(off, 0), int64(len(sd.src)))]
	start := bytes.LastIndexByte(before, '\n') + 1
	return &seedError{File: sd.file, Line: bytes.Count(before, []byte("\n")) + 1, Column: utf8.RuneCount(before[start:]) + 1, Field: field, Err: err}
}
