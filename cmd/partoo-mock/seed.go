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

// A seed file is read with encoding/json: the whole file is decoded once
// to check its syntax, then its webhooks and resources one by one from
// their offsets, so that every error says where it is.

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
	at         place
	items      []map[string]any
	itemAt     []place
}

// place is where a value is: its JSON path, its offset, and for an object
// the offsets of its members' names and values.
type place struct {
	field         string
	off           int64
	names, values map[string]int64
}

// readSeed reads a seed file: {"webhooks": [...], "resources": {...}}, or
// an array of webhooks, or {"items": [...]} (a list response).
func readSeed(path string) (*seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &seedError{File: path, Err: err}
	}
	sd := &seed{file: path, src: b}
	if err := json.Unmarshal(b, new(any)); err != nil {
		var syn *json.SyntaxError
		off := int64(len(b))
		if errors.As(err, &syn) && syn.Offset < off {
			return nil, sd.fail(syn.Offset-1, "", err)
		}
		return nil, sd.fail(off, "", errors.New("unexpected end of the file"))
	}
	top := sd.members(0)
	switch b[top.off] {
	case '[':
		return sd, sd.each(top.off, "", sd.webhook)
	case '{':
		for _, name := range slices.SortedFunc(maps.Keys(top.names), func(a, b string) int { return cmp.Compare(top.names[a], top.names[b]) }) {
			switch name {
			case "webhooks", "items":
				err = sd.each(top.values[name], name, sd.webhook)
			case "resources":
				err = sd.resourcesAt(top.values[name])
			default:
				err = sd.fail(top.names[name], name, errors.New(`unknown field: a seed file has "webhooks" and "resources"`))
			}
			if err != nil {
				return nil, err
			}
		}
		return sd, nil
	}
	return nil, sd.fail(top.off, "", errors.New(`want a JSON object, {"webhooks": [...], "resources": {...}}, or an array of webhooks`))
}

// webhook decodes the webhook at.
func (sd *seed) webhook(at place) error {
	dec := json.NewDecoder(bytes.NewReader(sd.src[at.off:]))
	dec.DisallowUnknownFields()
	var it gen.WebhookItem
	err := dec.Decode(&it)
	var te *json.UnmarshalTypeError
	switch {
	case sd.src[at.off] != '{':
		return sd.fail(at.off, at.field, errors.New("want an object"))
	case errors.As(err, &te):
		member, _, _ := strings.Cut(te.Field, ".")
		return sd.fail(at.values[member], at.field+"."+te.Field, fmt.Errorf("got a JSON %s, want %s", te.Value, te.Type))
	case err != nil:
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name, _ = strconv.Unquote(name)
			return sd.fail(at.names[name], at.field+"."+name, errors.New("unknown field of a webhook"))
		}
		return sd.fail(at.off, at.field, err)
	}
	sd.webhooks = append(sd.webhooks, it)
	sd.hookAt = append(sd.hookAt, at)
	return nil
}

// resourcesAt reads the object of collections at off.
func (sd *seed) resourcesAt(off int64) error {
	obj := sd.members(off)
	if sd.src[off] != '{' {
		return sd.fail(off, "resources", errors.New("want an object of collections"))
	}
	for _, coll := range slices.Sorted(maps.Keys(obj.names)) {
		rs := resourceSeed{collection: coll, at: place{field: fmt.Sprintf("resources[%q]", coll), off: obj.names[coll]}}
		err := sd.each(obj.values[coll], rs.at.field, func(at place) error {
			var v map[string]any
			dec := json.NewDecoder(bytes.NewReader(sd.src[at.off:]))
			dec.UseNumber()
			if sd.src[at.off] != '{' || dec.Decode(&v) != nil {
				return sd.fail(at.off, at.field, errors.New("want an object"))
			}
			rs.items, rs.itemAt = append(rs.items, v), append(rs.itemAt, at)
			return nil
		})
		if err != nil {
			return err
		}
		sd.resources = append(sd.resources, rs)
	}
	return nil
}

// each calls read with the place of every element of the array at off,
// named field.
func (sd *seed) each(off int64, field string, read func(place) error) error {
	dec := json.NewDecoder(bytes.NewReader(sd.src[off:]))
	if tok, _ := dec.Token(); tok != json.Delim('[') {
		return sd.fail(off, field, errors.New("want an array"))
	}
	for i := 0; dec.More(); i++ {
		el := sd.members(off + dec.InputOffset())
		el.field = fmt.Sprintf("%s[%d]", field, i)
		if err := dec.Decode(new(json.RawMessage)); err != nil {
			return sd.fail(el.off, el.field, err)
		}
		if err := read(el); err != nil {
			return err
		}
	}
	return nil
}

// members returns the place of the value at off, with the offsets of its
// members when it is an object.
func (sd *seed) members(off int64) place {
	off = sd.skip(off)
	p := place{off: off, names: map[string]int64{}, values: map[string]int64{}}
	dec := json.NewDecoder(bytes.NewReader(sd.src[off:]))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return p
	}
	for dec.More() {
		nameOff := sd.skip(off + dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := tok.(string)
		p.names[name], p.values[name] = nameOff, sd.skip(off+dec.InputOffset())
		if dec.Decode(new(json.RawMessage)) != nil {
			break
		}
	}
	return p
}

// skip returns the offset of the next value from off: past white space,
// commas and colons.
func (sd *seed) skip(off int64) int64 {
	for off < int64(len(sd.src)) && strings.IndexByte(" \t\r\n,:", sd.src[off]) >= 0 {
		off++
	}
	return off
}

// fail is err at byte off of the file, as line:column.
func (sd *seed) fail(off int64, field string, err error) *seedError {
	before := sd.src[:min(max(off, 0), int64(len(sd.src)))]
	start := bytes.LastIndexByte(before, '\n') + 1
	return &seedError{File: sd.file, Line: bytes.Count(before, []byte("\n")) + 1, Column: utf8.RuneCount(before[start:]) + 1, Field: field, Err: err}
}

// load stores the seed in srv: the webhooks as POST /webhooks creates
// them (all or none), the resources as given. It returns how many of each
// it stored.
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
// the webhooks items[i]: at the first webhook at fault, with every
// message about it.
func (sd *seed) webhookError(err error) error {
	var fields partootest.FieldErrors
	errors.As(err, &fields)
	first, member := len(sd.hookAt), ""
	var msgs []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(k, "items[%d]%s", &i, &rest); n == 0 || i > first || i >= len(sd.hookAt) {
			continue
		}
		if i < first {
			first, msgs = i, nil
			member, _, _ = strings.Cut(strings.TrimPrefix(rest, "."), ".")
		}
		for _, m := range fields[k] {
			msgs = append(msgs, strings.TrimPrefix(rest, ".")+": "+m)
		}
	}
	if first == len(sd.hookAt) {
		return &seedError{File: sd.file, Field: "webhooks", Err: err}
	}
	at := sd.hookAt[first]
	off, ok := at.values[member]
	if !ok {
		off = at.off
	}
	return sd.fail(off, at.field, errors.New(strings.Join(msgs, "; ")))
}
