package main

import (
	"bytes"
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

// seedError is a problem in a seed file at Line and Column (from 1, in
// characters; 0: the whole file) and Field, a JSON path ("" for the file).
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

// seed is a seed file, decoded once; an error reads it again, as far as
// the value at fault, to say where that is.
type seed struct {
	file      string
	src       []byte
	hooksAt   []any // the path of the webhooks: the file, or its "webhooks"
	webhooks  []gen.WebhookItem
	resources map[string]any // arrays of items by collection
}

// readSeed reads a seed file: {"webhooks": [...], "resources": {...}}, or
// an array of webhooks. No path is no seed.
func readSeed(path string) (*seed, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &seedError{File: path, Err: err}
	}
	sd := &seed{file: path, src: b}
	var top any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var syn *json.SyntaxError
	switch err := dec.Decode(&top); {
	case errors.As(err, &syn):
		return nil, sd.failAt(syn.Offset-1, "", err)
	case err != nil:
		return nil, sd.failAt(int64(len(b)), "", errors.New("unexpected end of the file"))
	case len(bytes.TrimSpace(b[dec.InputOffset():])) > 0:
		return nil, sd.failAt(sd.skip(dec.InputOffset()), "", errors.New("data after the top-level value"))
	}
	switch v := top.(type) {
	case []any:
		return sd, sd.readWebhooks(v)
	case map[string]any:
		for _, name := range slices.Sorted(maps.Keys(v)) {
			switch name {
			case "webhooks":
				sd.hooksAt = []any{name}
				err = sd.readWebhooks(v[name])
			case "resources":
				var ok bool
				if sd.resources, ok = v[name].(map[string]any); !ok {
					err = sd.fail([]any{name}, false, errors.New("want an object of collections"))
				}
			default:
				err = sd.fail([]any{name}, true, errors.New(`unknown field: a seed file has "webhooks" and "resources"`))
			}
			if err != nil {
				return nil, err
			}
		}
		return sd, nil
	}
	return nil, sd.fail(nil, false, errors.New(`want a JSON object, {"webhooks": [...], "resources": {...}}, or an array of webhooks`))
}

// readWebhooks reads the array v of webhooks, at sd.hooksAt.
func (sd *seed) readWebhooks(v any) error {
	arr, ok := v.([]any)
	if !ok {
		return sd.fail(sd.hooksAt, false, errors.New("want an array of webhook objects"))
	}
	for i, el := range arr {
		at := append(slices.Clip(sd.hooksAt), i)
		raw, _ := json.Marshal(el)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var it gen.WebhookItem
		var te *json.UnmarshalTypeError
		switch err := dec.Decode(&it); {
		case errors.As(err, &te):
			for _, field := range strings.FieldsFunc(te.Field, func(r rune) bool { return r == '.' }) {
				at = append(at, field)
			}
			return sd.fail(at, false, fmt.Errorf("got a JSON %s, want %s", te.Value, te.Type))
		case err != nil:
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return sd.fail(append(at, name), true, errors.New("unknown field of a webhook"))
		}
		sd.webhooks = append(sd.webhooks, it)
	}
	return nil
}

// load stores the seed, if any, in srv: webhooks as POST /webhooks creates
// them (all or none), other resources as given; it returns how many of each.
func (sd *seed) load(srv *partootest.Server) (webhooks, resources int, err error) {
	if sd == nil {
		return 0, 0, nil
	}
	if _, err := srv.CreateWebhooks(sd.webhooks...); err != nil {
		return 0, 0, sd.webhookError(err)
	}
	for _, coll := range slices.Sorted(maps.Keys(sd.resources)) {
		items, ok := sd.resources[coll].([]any)
		switch {
		case coll == "/webhooks":
			return 0, 0, sd.fail([]any{"resources", coll}, true, errors.New(`webhook configurations go in "webhooks", where they are checked as POST /webhooks checks them`))
		case !ok:
			return 0, 0, sd.fail([]any{"resources", coll}, false, errors.New("want an array of items"))
		}
		for i, item := range items {
			if _, err := srv.AddResource(coll, item); err != nil {
				return 0, 0, sd.fail([]any{"resources", coll, i}, false, err)
			}
			resources++
		}
	}
	return len(sd.webhooks), resources, nil
}

// webhookError locates a refusal of CreateWebhooks (fields items[i]...) at
// the first webhook at fault, its first field named, with all its messages.
func (sd *seed) webhookError(err error) error {
	var fields partootest.FieldErrors
	errors.As(err, &fields)
	for i := range sd.webhooks {
		mine := partootest.FieldErrors{}
		for k, msgs := range fields {
			if rest, ok := strings.CutPrefix(k, fmt.Sprintf("items[%d]", i)); ok && (rest == "" || rest[0] == '.') {
				mine[strings.TrimPrefix(rest, ".")] = msgs
			}
		}
		if len(mine) > 0 {
			at := append(slices.Clip(sd.hooksAt), i)
			member, _, _ := strings.Cut(slices.Sorted(maps.Keys(mine))[0], ".")
			off, _ := sd.locate(append(at, member), false)
			_, field := sd.locate(at, false)
			return sd.failAt(off, field, mine)
		}
	}
	return sd.fail(sd.hooksAt, false, err)
}

// fail is err at the value at path, or at its member's name if name is set.
func (sd *seed) fail(path []any, name bool, err error) *seedError {
	off, field := sd.locate(path, name)
	return sd.failAt(off, field, err)
}

// locate reads the file again as far as the value at path and returns its
// offset (of its member's name if name is set; of the deepest value found
// if the file ends the path early), and path in JSONPath's bracket notation.
func (sd *seed) locate(path []any, name bool) (int64, string) {
	dec := json.NewDecoder(bytes.NewReader(sd.src))
	at, text, found := sd.skip(0), "", true
	for depth, step := range path {
		text += fmt.Sprintf("[%#v]", step)
		open, _ := dec.Token()
		for i := 0; found; i++ {
			if found = dec.More(); !found {
				break
			}
			start, key := sd.skip(dec.InputOffset()), any(i)
			if open == json.Delim('{') {
				if key, _ = dec.Token(); !name || depth < len(path)-1 {
					start = sd.skip(dec.InputOffset()) // the member's value, not its name
				}
			}
			if key == step {
				at = start
				break
			}
			dec.Decode(new(json.RawMessage))
		}
	}
	return at, text
}

// skip returns the offset of the next value from off, past " \t\r\n,:".
func (sd *seed) skip(off int64) int64 {
	return int64(len(sd.src) - len(bytes.TrimLeft(sd.src[off:], " \t\r\n,:")))
}

// failAt is err at byte off of the file, as line:column, about field.
func (sd *seed) failAt(off int64, field string, err error) *seedError {
	before := sd.src[:min(max(off, 0), int64(len(sd.src)))]
	start := bytes.LastIndexByte(before, '\n') + 1
	return &seedError{File: sd.file, Line: bytes.Count(before, []byte("\n")) + 1, Column: utf8.RuneCount(before[start:]) + 1, Field: field, Err: err}
}
