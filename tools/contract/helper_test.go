//go:build unix

package contract

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/internal/apispec"
)

// callHelper calls op's service method, client.<Service>.<GoMethod>, found
// from the tables by reflection, with the arguments of a valid request
// built from the spec: the path parameters' values in the template's
// order, the params struct with its required fields set, the body decoded
// from the body's example, or, for a body that is not JSON, its content
// type and a reader of the body mediaBody builds. An iterator is read to its first item only.
func callHelper(ctx context.Context, c *partoo.Client, op *apispec.Operation) error {
	svc := reflect.ValueOf(c).Elem().FieldByName(op.Service)
	if !svc.IsValid() || svc.IsNil() {
		return fmt.Errorf("the client has no service %s", op.Service)
	}
	m := svc.MethodByName(op.GoMethod)
	if !m.IsValid() {
		return fmt.Errorf("%s has no method %s", op.Service, op.GoMethod)
	}
	args, err := helperArgs(ctx, m.Type(), op)
	if err != nil {
		return fmt.Errorf("%s.%s: %w", op.Service, op.GoMethod, err)
	}
	out := m.Call(args)
	if len(out) == 1 && out[0].Kind() == reflect.Func {
		return firstItem(out[0])
	}
	if last := out[len(out)-1]; !last.IsNil() {
		return last.Interface().(error)
	}
	return nil
}

// helperArgs builds the arguments of a service method of op.
func helperArgs(ctx context.Context, mt reflect.Type, op *apispec.Operation) ([]reflect.Value, error) {
	var paths []*apispec.Param
	for _, seg := range strings.Split(op.Path, "/") {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		for i := range op.Params {
			if op.Params[i].In == "path" && op.Params[i].Name == name {
				paths = append(paths, &op.Params[i])
			}
		}
	}
	args := []reflect.Value{reflect.ValueOf(ctx)}
	var media request // a body that is not JSON, with its content type
	if op.Body.Media != "" {
		var err error
		if media.body, media.media, err = mediaBody(&op.Body); err != nil {
			return nil, err
		}
	}
	params := false
	for i := 1; i < mt.NumIn(); i++ {
		in := mt.In(i)
		switch {
		case mt.IsVariadic() && i == mt.NumIn()-1:
		case len(paths) > 0:
			v, err := paramValue(paths[0])
			if err != nil {
				return nil, err
			}
			a, err := argument(in, v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", paths[0], err)
			}
			args, paths = append(args, a), paths[1:]
		case !params && in.Kind() == reflect.Pointer && in.Elem().Kind() == reflect.Struct && strings.HasSuffix(in.Elem().Name(), "Params"):
			params = true
			p, err := paramsStruct(in.Elem(), op)
			if err != nil {
				return nil, err
			}
			args = append(args, p)
		case op.Body.Schema >= 0:
			b := reflect.New(in)
			if err := json.Unmarshal([]byte(apispec.Schemas[op.Body.Schema].Example), b.Interface()); err != nil {
				return nil, fmt.Errorf("the body's example does not decode into %s: %w", in, err)
			}
			args = append(args, b.Elem())
		case media.media != "" && in.Kind() == reflect.String:
			args = append(args, reflect.ValueOf(media.media))
		case media.body != nil && in == reflect.TypeFor[io.Reader]():
			args = append(args, reflect.ValueOf(bytes.NewReader(media.body)))
		default:
			return nil, fmt.Errorf("argument %d (%s) is neither a parameter nor the body", i, in)
		}
	}
	return args, nil
}

// paramsStruct returns a generated params struct with the fields of op's
// required query parameters set to valid values; a field is found by its
// form tag, which oapi-codegen sets to the parameter's name.
func paramsStruct(t reflect.Type, op *apispec.Operation) (reflect.Value, error) {
	p := reflect.New(t)
	for i := range op.Params {
		param := &op.Params[i]
		if param.In != "query" || !param.Required {
			continue
		}
		v, err := paramValue(param)
		if err != nil {
			return p, err
		}
		found := false
		for k := 0; k < t.NumField(); k++ {
			if tag, _, _ := strings.Cut(t.Field(k).Tag.Get("form"), ","); tag == param.Name {
				f := p.Elem().Field(k)
				ft := f.Type()
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				a, err := argument(ft, v)
				if err != nil {
					return p, fmt.Errorf("%s: %w", param, err)
				}
				if f.Kind() == reflect.Pointer {
					ptr := reflect.New(ft)
					ptr.Elem().Set(a)
					a = ptr
				}
				f.Set(a)
				found = true
			}
		}
		if !found {
			return p, fmt.Errorf("%s has no field in %s", param, t)
		}
	}
	return p, nil
}

// argument converts a parameter's value, as it is sent, to the Go type t.
func argument(t reflect.Type, text string) (reflect.Value, error) {
	v := reflect.New(t)
	if u, ok := v.Interface().(encoding.TextUnmarshaler); ok {
		return v.Elem(), u.UnmarshalText([]byte(text))
	}
	e := v.Elem()
	var err error
	switch t.Kind() {
	case reflect.String:
		e.SetString(text)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var n int64
		if n, err = strconv.ParseInt(text, 10, 64); err == nil {
			e.SetInt(n)
		}
	case reflect.Float32, reflect.Float64:
		var f float64
		if f, err = strconv.ParseFloat(text, 64); err == nil {
			e.SetFloat(f)
		}
	case reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(text); err == nil {
			e.SetBool(b)
		}
	case reflect.Slice:
		for _, part := range strings.Split(text, ",") {
			a, err := argument(t.Elem(), part)
			if err != nil {
				return e, err
			}
			e = reflect.Append(e, a)
		}
	default:
		err = fmt.Errorf("a parameter of type %s", t)
	}
	return e, err
}

// errStop ends the reading of an iterator after its first item.
var errStop = errors.New("stop")

// firstItem reads an iter.Seq2[T, error] to its first item and returns
// its error; an iterator that yields nothing is an error.
func firstItem(seq reflect.Value) error {
	err := errStop
	yield := reflect.MakeFunc(seq.Type().In(0), func(in []reflect.Value) []reflect.Value {
		err = nil
		if !in[1].IsNil() {
			err = in[1].Interface().(error)
		}
		return []reflect.Value{reflect.ValueOf(false)}
	})
	seq.Call([]reflect.Value{yield})
	if errors.Is(err, errStop) {
		return errors.New("the iterator yielded nothing")
	}
	return err
}
