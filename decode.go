package partoo

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// decode decodes the JSON body b of a 2xx answer into out, a pointer to a
// fresh zero value of a generated type (or a struct of them). It is the
// one place where the client decodes the answers of the spec's operations.
//
// encoding/json defines the result. A decoder compiled once per type (and
// per client) reads the common case, a well-formed body of the type's
// shape, without reflection on each name and in one pass. Whenever the
// body holds anything it does not handle exactly as encoding/json would (a
// syntax error, a value of the wrong type, a duplicate or case-folded key,
// an escaped key, invalid UTF-8, a null in a map, a number out of range, a
// field of a type with its own UnmarshalJSON such as nullable.Nullable),
// it gives up, out is zeroed, and encoding/json decodes the body: the
// result and the error are encoding/json's, by construction.
func (c *Client) decode(b []byte, out any) error {
	if c.decoders.fast(b, out) {
		return nil
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
	return json.Unmarshal(b, out)
}

// decoders holds the decoders compiled for the types a client has decoded.
// They are compiled on first use, never at init.
type decoders struct {
	mu    sync.Mutex
	plans sync.Map // reflect.Type -> *plan
	// strings holds the string tables (*[internSlots]string) of the
	// decodes not in flight, so that a value the client reads again and
	// again (an event type, a URL) is allocated once, not once a body.
	// Go 1.27's encoding/json keeps its table across calls the same way.
	// A table is 4 KiB of string headers and keeps alive at most
	// internSlots strings of at most internMax bytes (64 KiB); the pool
	// keeps as many tables as decodes ran at once at the peak, until the
	// garbage collector empties it.
	strings sync.Pool
}

// plan is the decoder of one type; dec is nil for a type that only
// encoding/json decodes.
type plan struct {
	dec decodeFunc
}

// decodeFunc decodes the value at d's position into the value at p, which
// is of the type the function was compiled for and holds its zero value.
// It reports false to give up. The decoders write through unsafe pointers
// to the fields' memory, at the offsets that reflect reports, rather than
// through reflect.Value's setters, whose checks cost as much as the
// scanning; FuzzDecode compares every result with encoding/json's.
type decodeFunc func(d *decodeState, p unsafe.Pointer) bool

// fast decodes b into out with out's compiled decoder, and reports whether
// it did. false leaves out in any state.
func (ds *decoders) fast(b []byte, out any) bool {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return false
	}
	dec := ds.get(v.Type().Elem())
	if dec == nil {
		return false
	}
	d := decodeState{b: b}
	d.interned, _ = ds.strings.Get().(*[internSlots]string)
	defer func() {
		if d.interned != nil {
			ds.strings.Put(d.interned)
		}
	}()
	d.skipSpace()
	if !dec(&d, v.UnsafePointer()) {
		return false
	}
	d.skipSpace()
	return d.i == len(d.b)
}

// get returns the decoder of t, compiling it (and the types it holds) on
// first use.
func (ds *decoders) get(t reflect.Type) decodeFunc {
	if p, ok := ds.plans.Load(t); ok {
		return p.(*plan).dec
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	compiling := map[reflect.Type]*plan{}
	p := ds.compile(t, compiling)
	for t, p := range compiling {
		ds.plans.Store(t, p)
	}
	return p.dec
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	stringMapType   = reflect.TypeFor[map[string]string]()
)

// maxFields is the most fields a struct may have for its decoder to track
// them in one word.
const maxFields = 64

// compile returns the plan of t. A type that refers to itself gets the
// plan under construction, whose dec is set before anything runs it.
func (ds *decoders) compile(t reflect.Type, compiling map[reflect.Type]*plan) *plan {
	if p, ok := ds.plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := compiling[t]; ok {
		return p
	}
	p := &plan{}
	compiling[t] = p
	if t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return p
	}
	switch t.Kind() {
	case reflect.String:
		p.dec = decodeString
	case reflect.Int:
		p.dec = decodeInt[int]
	case reflect.Int8:
		p.dec = decodeInt[int8]
	case reflect.Int16:
		p.dec = decodeInt[int16]
	case reflect.Int32:
		p.dec = decodeInt[int32]
	case reflect.Int64:
		p.dec = decodeInt[int64]
	case reflect.Float32:
		p.dec = decodeFloat32
	case reflect.Float64:
		p.dec = decodeFloat64
	case reflect.Bool:
		p.dec = decodeBool
	case reflect.Pointer:
		elem := ds.compile(t.Elem(), compiling)
		p.dec = func(d *decodeState, p unsafe.Pointer) bool {
			if d.null() {
				return true
			}
			if elem.dec == nil {
				return false
			}
			n := reflect.New(t.Elem()).UnsafePointer()
			if !elem.dec(d, n) {
				return false
			}
			*(*unsafe.Pointer)(p) = n
			return true
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return p // base64 in encoding/json
		}
		p.dec = decodeSlice(t, ds.compile(t.Elem(), compiling))
	case reflect.Map:
		if t.ConvertibleTo(stringMapType) && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String &&
			t.Key().PkgPath() == "" && t.Elem().PkgPath() == "" {
			p.dec = decodeStringMap
		}
	case reflect.Struct:
		p.dec = ds.compileStruct(t, compiling)
	}
	return p
}

// field is a field of a struct decoder: its JSON name, its offset in the
// struct (through embedded structs) and its plan.
type field struct {
	name   string
	offset uintptr
	plan   *plan
}

// compileStruct returns the decoder of struct type t, or nil when its
// fields do not fit the simple rules below: names from the json tag or the
// field name, the exported fields of untagged embedded structs promoted,
// and no two fields with one name (even case-folded).
func (ds *decoders) compileStruct(t reflect.Type, compiling map[reflect.Type]*plan) decodeFunc {
	var fields []field
	var walk func(t reflect.Type, offset uintptr) bool
	walk = func(t reflect.Type, offset uintptr) bool {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag, hasTag := sf.Tag.Lookup("json")
			name, opts, _ := cutComma(tag)
			if tag == "-" {
				continue
			}
			off := offset + sf.Offset
			if sf.Anonymous && !hasTag {
				if sf.Type.Kind() != reflect.Struct || !walk(sf.Type, off) {
					return false
				}
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if opts != "" && opts != "omitempty" && opts != "omitzero" && opts != "omitempty,omitzero" && opts != "omitzero,omitempty" {
				return false // ",string" and the like
			}
			if name == "" {
				name = sf.Name
			}
			fields = append(fields, field{name: name, offset: off, plan: ds.compile(sf.Type, compiling)})
		}
		return true
	}
	if !walk(t, 0) || len(fields) > maxFields {
		return nil
	}
	folded := make([]string, len(fields))
	for i, f := range fields {
		folded[i] = foldName([]byte(f.name))
		for j := range i {
			if folded[j] == folded[i] {
				return nil
			}
		}
	}
	return func(d *decodeState, p unsafe.Pointer) bool {
		if d.null() {
			return true
		}
		if !d.consume('{') || !d.enter() {
			return false
		}
		defer d.leave()
		var seen uint64
		d.skipSpace()
		if d.consume('}') {
			return true
		}
		for {
			key, ok := d.key()
			if !ok {
				return false
			}
			k := -1
			for i := range fields {
				if len(fields[i].name) == len(key) && fields[i].name == string(key) {
					k = i
					break
				}
			}
			if k < 0 {
				// encoding/json matches names case-insensitively, and Go
				// 1.27's may also ignore '_' and '-': a key that folds to
				// a field's name is left to encoding/json.
				f := foldName(key)
				if f == "" {
					return false
				}
				for i := range folded {
					if folded[i] == f {
						return false
					}
				}
				if !d.skipValue() {
					return false
				}
			} else {
				if seen&(1<<k) != 0 || fields[k].plan.dec == nil {
					return false
				}
				seen |= 1 << k
				if !fields[k].plan.dec(d, unsafe.Add(p, fields[k].offset)) {
					return false
				}
			}
			d.skipSpace()
			if d.consume('}') {
				return true
			}
			if !d.consume(',') {
				return false
			}
			d.skipSpace()
		}
	}
}

// cutComma splits a json tag into the name and the options.
func cutComma(tag string) (name, opts string, found bool) {
	for i := range len(tag) {
		if tag[i] == ',' {
			return tag[:i], tag[i+1:], true
		}
	}
	return tag, "", false
}

// foldName returns name in lower case without '_' and '-', or "" when
// name is not plain ASCII (a non-ASCII letter may fold to an ASCII one).
func foldName(name []byte) string {
	out := make([]byte, 0, len(name))
	for _, c := range name {
		switch {
		case c >= utf8.RuneSelf || c == '\\':
			return ""
		case c == '_' || c == '-':
		case 'A' <= c && c <= 'Z':
			out = append(out, c+'a'-'A')
		default:
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "\x00" // folds to no name
	}
	return string(out)
}

func decodeString(d *decodeState, p unsafe.Pointer) bool {
	if d.null() {
		return true
	}
	s, ok := d.str()
	if ok {
		*(*string)(p) = s
	}
	return ok
}

func decodeInt[T int | int8 | int16 | int32 | int64](d *decodeState, p unsafe.Pointer) bool {
	if d.null() {
		return true
	}
	n, ok := d.integer()
	if !ok || int64(T(n)) != n {
		return false
	}
	*(*T)(p) = T(n)
	return true
}

func decodeFloat64(d *decodeState, p unsafe.Pointer) bool {
	if d.null() {
		return true
	}
	lit, ok := d.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return false
	}
	*(*float64)(p) = f
	return true
}

func decodeFloat32(d *decodeState, p unsafe.Pointer) bool {
	if d.null() {
		return true
	}
	lit, ok := d.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(lit), 32)
	if err != nil || math.Abs(f) > math.MaxFloat32 {
		return false
	}
	*(*float32)(p) = float32(f)
	return true
}

func decodeBool(d *decodeState, p unsafe.Pointer) bool {
	switch {
	case d.null():
	case d.literal("true"):
		*(*bool)(p) = true
	case d.literal("false"):
	default:
		return false
	}
	return true
}

// decodeSlice returns the decoder of slice type t of elements decoded by
// elem. An empty array gives an empty slice, not nil, as encoding/json does.
func decodeSlice(t reflect.Type, elem *plan) decodeFunc {
	size := t.Elem().Size()
	return func(d *decodeState, p unsafe.Pointer) bool {
		if d.null() {
			return true
		}
		if elem.dec == nil || !d.consume('[') || !d.enter() {
			return false
		}
		defer d.leave()
		s := reflect.New(t).Elem() // settable, for SetLen
		s.Set(reflect.MakeSlice(t, 0, 0))
		d.skipSpace()
		if !d.consume(']') {
			for n := 0; ; n++ {
				if n == s.Cap() {
					s.Grow(1) // as append grows: by less than double when large
				}
				s.SetLen(n + 1)
				if !elem.dec(d, unsafe.Add(s.UnsafePointer(), uintptr(n)*size)) {
					return false
				}
				d.skipSpace()
				if d.consume(']') {
					break
				}
				if !d.consume(',') {
					return false
				}
				d.skipSpace()
			}
		}
		reflect.NewAt(t, p).Elem().Set(s)
		return true
	}
}

// decodeStringMap decodes an object of strings into a map whose type is
// map[string]string or a named type of it, which has the same
// representation.
func decodeStringMap(d *decodeState, p unsafe.Pointer) bool {
	if d.null() {
		return true
	}
	if !d.consume('{') {
		return false
	}
	m := map[string]string{}
	d.skipSpace()
	if !d.consume('}') {
		for {
			if d.peek() != '"' {
				return false
			}
			k, ok := d.str()
			if !ok {
				return false
			}
			d.skipSpace()
			if !d.consume(':') {
				return false
			}
			d.skipSpace()
			s, ok := d.str() // a null is left to encoding/json
			if !ok {
				return false
			}
			m[k] = s
			d.skipSpace()
			if d.consume('}') {
				break
			}
			if !d.consume(',') {
				return false
			}
			d.skipSpace()
		}
	}
	*(*map[string]string)(p) = m
	return true
}

// maxDepth is the deepest nesting the fast decoders follow; encoding/json
// takes deeper bodies.
const maxDepth = 100

// decodeState is a position in a JSON text.
type decodeState struct {
	b     []byte
	i     int
	depth int
	// interned is the string table of the decode, taken from
	// decoders.strings or made at the first string, so that the values
	// the answers repeat (a URL, an event type, a header name) are
	// allocated once.
	interned *[internSlots]string
}

const (
	internSlots = 256 // 4 KiB
	internMax   = 256 // longer strings are rarely repeated
)

// makeString returns b as a string, interned: a slot chosen by a hash of
// b's length and of its first and last 8 bytes keeps the last string made
// for it.
func (d *decodeState) makeString(b []byte) string {
	if len(b) < 2 || len(b) > internMax {
		return string(b)
	}
	if d.interned == nil {
		d.interned = new([internSlots]string)
	}
	h := uint32(2166136261) ^ uint32(len(b))
	n := min(len(b), 8)
	for _, c := range b[:n] {
		h = (h ^ uint32(c)) * 16777619
	}
	for _, c := range b[len(b)-n:] {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &d.interned[(h^h>>16)%internSlots]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

func (d *decodeState) enter() bool {
	d.depth++
	return d.depth <= maxDepth
}

func (d *decodeState) leave() { d.depth-- }

func (d *decodeState) skipSpace() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decodeState) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// consume skips c if it comes next.
func (d *decodeState) consume(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// literal skips lit if it comes next, as a whole token.
func (d *decodeState) literal(lit string) bool {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return false
	}
	if j := d.i + len(lit); j < len(d.b) && isLiteralByte(d.b[j]) {
		return false
	}
	d.i += len(lit)
	return true
}

func isLiteralByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-' || c == '+'
}

// null skips a null if one comes next.
func (d *decodeState) null() bool { return d.peek() == 'n' && d.literal("null") }

// key reads an object key and the colon after it, and returns the key's
// bytes. A key with an escape is left to encoding/json.
func (d *decodeState) key() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == '"' {
			key := d.b[start:d.i]
			d.i++
			d.skipSpace()
			if !d.consume(':') {
				return nil, false
			}
			d.skipSpace()
			return key, true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil, false
		}
		d.i++
	}
	return nil, false
}

// str reads a string.
func (d *decodeState) str() (string, bool) {
	if !d.consume('"') {
		return "", false
	}
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			raw := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(raw) {
				return "", false // encoding/json replaces invalid bytes
			}
			return d.makeString(raw), true
		case c == '\\':
			d.i = start
			return d.unescape()
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// unescape reads the rest of a string that holds an escape, from its first
// byte after the opening quote.
func (d *decodeState) unescape() (string, bool) {
	var out []byte
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return d.makeString(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", false
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a well-formed pair; encoding/json replaces the rest.
				if r >= 0xDC00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
					return "", false
				}
				d.i += 2
				r2, ok := d.hex4()
				if !ok {
					return "", false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", false
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

// hex4 reads the four hex digits of a \u escape.
func (d *decodeState) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// number reads a number literal, checked against JSON's grammar.
func (d *decodeState) number() ([]byte, bool) {
	start := d.i
	d.consume('-')
	switch c := d.peek(); {
	case c == '0':
		d.i++
	case '1' <= c && c <= '9':
		d.digits()
	default:
		return nil, false
	}
	if d.consume('.') && !d.digits() {
		return nil, false
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if !d.digits() {
			return nil, false
		}
	}
	if isLiteralByte(d.peek()) {
		return nil, false
	}
	return d.b[start:d.i], true
}

// digits skips digits and reports whether there was one.
func (d *decodeState) digits() bool {
	start := d.i
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		d.i++
	}
	return d.i > start
}

// integer reads a number that is an integer of at most 18 digits, written
// without a fraction or an exponent (encoding/json refuses 1.0 for an int).
func (d *decodeState) integer() (int64, bool) {
	lit, ok := d.number()
	if !ok {
		return 0, false
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	if len(lit) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// skipValue skips a value of any kind, checking its syntax.
func (d *decodeState) skipValue() bool {
	switch d.peek() {
	case '"':
		_, ok := d.str()
		return ok
	case '{':
		d.i++
		if !d.enter() {
			return false
		}
		defer d.leave()
		d.skipSpace()
		if d.consume('}') {
			return true
		}
		for {
			if d.peek() != '"' {
				return false
			}
			if _, ok := d.str(); !ok {
				return false
			}
			d.skipSpace()
			if !d.consume(':') {
				return false
			}
			d.skipSpace()
			if !d.skipValue() {
				return false
			}
			d.skipSpace()
			if d.consume('}') {
				return true
			}
			if !d.consume(',') {
				return false
			}
			d.skipSpace()
		}
	case '[':
		d.i++
		if !d.enter() {
			return false
		}
		defer d.leave()
		d.skipSpace()
		if d.consume(']') {
			return true
		}
		for {
			if !d.skipValue() {
				return false
			}
			d.skipSpace()
			if d.consume(']') {
				return true
			}
			if !d.consume(',') {
				return false
			}
			d.skipSpace()
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, ok := d.number()
		return ok
	}
}
