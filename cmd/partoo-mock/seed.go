package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

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
	file string
	src  []byte
	sets []seedSet // in the order they are stored
}

// seedSet is the items a seed file gives a collection, and the path of
// their array in the file.
type seedSet struct {
	collection string
	at         []any
	items      []any
}

// readSeed reads a seed file: {"webhooks": [...], "resources": {...}}, or
// an array of webhooks. No path is an empty seed.
func readSeed(path string) (*seed, error) {
	if path == "" {
		return &seed{}, nil
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
		return sd, sd.add(webhooks, nil, v)
	case map[string]any:
		for _, name := range slices.Sorted(maps.Keys(v)) {
			switch colls, ok := v[name].(map[string]any); {
			case name == "webhooks":
				err = sd.add(webhooks, []any{name}, v[name])
			case name != "resources":
				err = sd.fail([]any{name}, true, errors.New(`unknown field: a seed file has "webhooks" and "resources"`))
			case !ok:
				err = sd.fail([]any{name}, false, errors.New("want an object of collections"))
			default:
				for _, coll := range slices.Sorted(maps.Keys(colls)) {
					if err == nil {
						err = sd.add(coll, []any{name, coll}, colls[coll])
					}
				}
			}
			if err != nil {
				return nil, err
			}
		}
		return sd, nil
	}
	return nil, sd.fail(nil, false, errors.New(`want a JSON object, {"webhooks": [...], "resources": {...}}, or an array of webhooks`))
}

// webhooks is the collection of webhook configurations.
const webhooks = "/webhooks"

// add adds v, the array at path at, to the items of collection.
func (sd *seed) add(collection string, at []any, v any) error {
	items, ok := v.([]any)
	if !ok {
		return sd.fail(at, false, errors.New("want an array of items"))
	}
	sd.sets = append(sd.sets, seedSet{collection: collection, at: at, items: items})
	return nil
}

// load seeds srv with each collection's items, all or
// none, checked as the collection's create checks them (AddResource); it
// returns how many webhooks and other resources it stored.
func (sd *seed) load(srv *partootest.Server) (hooks, resources int, err error) {
	for _, set := range sd.sets {
		if _, err := srv.AddResource(set.collection, set.items...); err != nil {
			return 0, 0, sd.itemError(set, err)
		}
		if set.collection == webhooks {
			hooks += len(set.items)
		} else {
			resources += len(set.items)
		}
	}
	return hooks, resources, nil
}

// itemError locates a refusal of AddResource (fields items[i]...) at the
// first item at fault, with all its messages: at the item if one is about
// all of it, else at its first field named; any other at the collection.
func (sd *seed) itemError(set seedSet, err error) error {
	var fields partootest.FieldErrors
	if !errors.As(err, &fields) {
		return sd.fail(set.at, true, err)
	}
	for i := range set.items {
		prefix := fmt.Sprintf("items[%d]", i)
		mine := itemErrors{whole: fields[prefix], fields: partootest.FieldErrors{}}
		for k, msgs := range fields {
			if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
				mine.fields[rest] = msgs
			}
		}
		if len(mine.whole)+len(mine.fields) > 0 {
			at := append(slices.Clip(set.at), i)
			off, field := sd.locate(at, false)
			if len(mine.whole) == 0 {
				member, _, _ := strings.Cut(slices.Sorted(maps.Keys(mine.fields))[0], ".")
				off, _ = sd.locate(append(at, member), false)
			}
			return sd.failAt(off, field, mine)
		}
	}
	return sd.fail(set.at, false, err)
}

// itemErrors is what AddResource refused in one item: messages about the
// whole item, and about its fields by their path in the item.
type itemErrors struct {
	whole  []string
	fields partootest.FieldErrors
}

func (e itemErrors) Error() string {
	if len(e.fields) == 0 {
		return strings.Join(e.whole, "; ")
	}
	return strings.Join(append(slices.Clip(e.whole), e.fields.Error()), "; ")
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
