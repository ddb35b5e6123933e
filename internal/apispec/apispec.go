// Package apispec is Partoo's bundled OpenAPI document compiled into Go
// tables by specgen (tools/cmd/specgen): one row per operation (method,
// path template, parameters, request body, success response, list style,
// stateful resource role) and one row per schema (the JSON Schema keywords
// the spec uses). The client (package partoo) and the fake Partoo server
// (package partootest) read the same tables, so both follow the spec
// without parsing it at run time and without code written per operation.
//
// The tables are package-level arrays of constants that the linker lays
// out: importing the package runs no code and parses nothing. They are
// read-only; nothing may modify them.
package apispec

// NoSchema is the index of no schema, where a field refers to one.
const NoSchema = -1

// Operation describes one operation of the spec.
type Operation struct {
	// ID is the operationId.
	ID string
	// Method is the HTTP method, upper case.
	Method string
	// Path is the path template relative to the server URL, such as
	// "/webhooks/{webhook_id}".
	Path string
	// Service and GoMethod name the operation's helper on the client:
	// client.<Service>.<GoMethod>.
	Service, GoMethod string
	// Params lists the path, query and header parameters, path first,
	// in the spec's order.
	Params []Param
	// Body is the request body; its Schema is NoSchema when the
	// operation takes no JSON body.
	Body Body
	// Success is the response of a successful call.
	Success Response
	// Errors lists the error statuses the operation declares, ascending.
	Errors []int
	// ErrorSchemas holds, for each status of Errors in the same order, the
	// index in Schemas of the schema of its JSON body, or NoSchema when
	// the response declares none.
	ErrorSchemas []int
	// List describes how the operation paginates; its zero value means it
	// is not a list.
	List List
	// CustomHeadersAt lists where the request body holds a CustomHeaders
	// object, such as items[*].custom_headers.
	CustomHeadersAt []Location
	// Resource is the operation's role in a resource family, for the fake
	// server's stateful behaviour.
	Resource Resource
}

// HasParam reports whether the operation declares a parameter named name
// in the location in ("path", "query" or "header").
func (op *Operation) HasParam(in, name string) bool {
	for i := range op.Params {
		if op.Params[i].In == in && op.Params[i].Name == name {
			return true
		}
	}
	return false
}

// Param is one parameter of an operation.
type Param struct {
	// Name is the parameter's name and In its location: "path", "query"
	// or "header".
	Name, In string
	// Required reports whether the parameter must be given.
	Required bool
	// Explode reports, for a query array, that each element is its own
	// name=value pair (form style, explode true, the OpenAPI default);
	// otherwise the elements are joined with commas.
	Explode bool
	// Schema is the index of the parameter's schema in Schemas.
	Schema int
	// Example is a valid value as it is sent (an array's elements joined
	// with commas), from the spec's examples; "" when there is none.
	Example string
}

// Body is an operation's request body.
type Body struct {
	// Schema is the index of the JSON body's schema in Schemas, or
	// NoSchema.
	Schema int
	// Required reports whether a body must be sent.
	Required bool
	// Media is the media type of a body that is not JSON, such as
	// "multipart/form-data" or "application/octet-stream" (the first,
	// sorted, when the spec declares several); "" otherwise.
	Media string
	// MediaSchema is the index in Schemas of the schema of a body of
	// type Media, or NoSchema; it is meaningful only when Media is set.
	MediaSchema int
}

// Response is the success response of an operation.
type Response struct {
	// Status is the HTTP status of success: the lowest 2xx the spec
	// declares.
	Status int
	// Schema is the index of its JSON body's schema in Schemas, or
	// NoSchema when the success response has no JSON body (204).
	Schema int
	// Example is a JSON body valid against Schema, built by specgen from
	// the spec's examples and defaults and checked against the schema;
	// when Media is set, the body of that type: the spec's example, or a
	// sample; else empty when Schema is NoSchema.
	Example string
	// Media is the media type of a success body that is not JSON, such
	// as "text/csv" or "application/octet-stream"; "" otherwise.
	Media string
}

// ListStyle is how a list operation pages through its results.
type ListStyle uint8

const (
	// NotList marks an operation that is not a list.
	NotList ListStyle = iota
	// PageList pages with the page and per_page query parameters; each
	// answer holds page, max_page, count and one array.
	PageList
	// CursorList pages with the cursor query parameter; each answer holds
	// next_cursor (null or empty at the end) and one array.
	CursorList
	// NextList pages with links: each answer holds next, the URL of the
	// next page (null or empty at the end), and one array.
	NextList
)

// String returns "page", "cursor", "next" or "none".
func (s ListStyle) String() string {
	switch s {
	case PageList:
		return "page"
	case CursorList:
		return "cursor"
	case NextList:
		return "next"
	}
	return "none"
}

// List describes a list operation.
type List struct {
	// Style is the pagination style.
	Style ListStyle
	// Field is the JSON name of the array of results, such as "items" or
	// "businesses".
	Field string
	// Item is the index of the schema of one result.
	Item int
}

// ResourceRole is an operation's role in a resource family: the
// operations on one collection path such as /business, /business/search
// and /business/{business_id}.
type ResourceRole uint8

const (
	// NoRole marks an operation outside any resource family; the fake
	// answers it with the example of its success response.
	NoRole ResourceRole = iota
	// Create adds an item to the collection (POST /things).
	Create
	// Read returns one item (GET /things/{id}).
	Read
	// Update changes one item (PUT, PATCH or POST /things/{id}).
	Update
	// Delete removes one item (DELETE /things/{id}).
	Delete
	// ListItems lists the collection (GET /things or /things/search).
	ListItems
)

// String returns the role's name in lower case.
func (r ResourceRole) String() string {
	switch r {
	case Create:
		return "create"
	case Read:
		return "read"
	case Update:
		return "update"
	case Delete:
		return "delete"
	case ListItems:
		return "list"
	}
	return "none"
}

// Resource is an operation's place in a resource family.
type Resource struct {
	// Role is the operation's role; NoRole when it has none.
	Role ResourceRole
	// Collection is the family's collection path, such as "/business".
	Collection string
	// IDParam names the path parameter that selects an item, for Read,
	// Update and Delete.
	IDParam string
	// IDProperty is the property that identifies an item of the family:
	// id, else the one named after the path parameter that selects an
	// item, when it ends in _id (org_id for /org/{org_id}).
	IDProperty string
	// Item is the index of the schema of one item of the family.
	Item int
	// ItemInResponse reports that the success response body is the item
	// itself (so the fake answers with the stored item).
	ItemInResponse bool
}

// Type is a set of JSON types, as JSON Schema's type keyword names them.
type Type uint8

// The JSON types.
const (
	TypeNull Type = 1 << iota
	TypeBoolean
	TypeInteger
	TypeNumber
	TypeString
	TypeArray
	TypeObject
)

// Has reports whether every type of u is in t.
func (t Type) Has(u Type) bool { return t&u == u }

// Names returns the names of the types in t, in JSON Schema's spelling.
func (t Type) Names() []string {
	var out []string
	for _, n := range typeNames {
		if t&n.t != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

var typeNames = [...]struct {
	t    Type
	name string
}{
	{TypeObject, "object"}, {TypeArray, "array"}, {TypeString, "string"}, {TypeInteger, "integer"},
	{TypeNumber, "number"}, {TypeBoolean, "boolean"}, {TypeNull, "null"},
}

// Unset marks an integer limit that the schema does not set.
const Unset = -1

// Additional properties: what AdditionalProperties holds besides a schema
// index.
const (
	// AnyProperties allows any additional property (the keyword is absent
	// or true).
	AnyProperties = -1
	// NoProperties forbids additional properties (false).
	NoProperties = -2
)

// Schema holds the keywords of one JSON Schema of the spec. Limits that
// the schema does not set are [Unset]; references to other schemas are
// indexes in Schemas.
type Schema struct {
	// Name is the component name (components.schemas), or "" for an
	// inline schema.
	Name string
	// Types are the allowed JSON types; 0 allows any.
	Types Type
	// Enum lists the allowed values as JSON texts (const is a one-value
	// enum); nil allows any.
	Enum []string
	// Default is the default value as JSON text, or "".
	Default string
	// Format is the format keyword; specgen keeps only the formats the
	// validator checks and those that annotate: float, double, binary (a
	// file in a multipart body).
	Format string
	// Minimum and Maximum bound numbers when HasMinimum and HasMaximum;
	// ExclusiveMinimum and ExclusiveMaximum make the bound exclusive.
	HasMinimum, HasMaximum             bool
	ExclusiveMinimum, ExclusiveMaximum bool
	Minimum, Maximum                   float64
	// MultipleOf, when not zero, must divide numbers.
	MultipleOf float64
	// MinLength and MaxLength bound a string's length in code points.
	MinLength, MaxLength int
	// Pattern is the index of the string's pattern in Patterns, or
	// NoSchema.
	Pattern int
	// Items is the schema of the elements of an array, or NoSchema.
	Items int
	// MinItems and MaxItems bound an array's length; UniqueItems forbids
	// equal elements.
	MinItems, MaxItems int
	UniqueItems        bool
	// Properties are the object's declared properties, sorted by name.
	Properties []Property
	// Required lists the properties an object must have.
	Required []string
	// AdditionalProperties is the schema of properties not declared, or
	// AnyProperties or NoProperties.
	AdditionalProperties int
	// PropertyNames is the schema every property name must match, or
	// NoSchema.
	PropertyNames int
	// MinProperties and MaxProperties bound the number of properties.
	MinProperties, MaxProperties int
	// AllOf, AnyOf and OneOf list subschemas.
	AllOf, AnyOf, OneOf []int
	// Discriminator names the property whose value selects the OneOf (or
	// AnyOf) branch through Mapping.
	Discriminator string
	Mapping       []Mapping
	// ReadOnly marks a value the server sets: a request need not send
	// it, even when its object requires it. WriteOnly marks a value only
	// requests carry (a password): the server keeps it and never returns
	// it.
	ReadOnly, WriteOnly bool
	// Example is an example value as JSON text, valid against the schema
	// (specgen checks it), for components and the schemas of request
	// bodies and resource items; "" for other inline schemas, and when none
	// can be built.
	Example string
}

// Constrained reports whether the schema sets a rule beyond its type: a
// value of the right Go type may still break it.
func (s *Schema) Constrained() bool {
	return len(s.Enum) > 0 || s.HasMinimum || s.HasMaximum || s.MultipleOf != 0 || s.MinLength > 0 ||
		s.MaxLength != Unset || s.Pattern >= 0 || s.Format != "" || s.Items >= 0 || len(s.AllOf) > 0 ||
		len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Types&TypeArray != 0
}

// Property is a declared property of an object schema.
type Property struct {
	// Name is the property's name in JSON.
	Name string
	// Schema is the index of its schema.
	Schema int
}

// Mapping maps one discriminator value to the schema it selects.
type Mapping struct {
	Value  string
	Schema int
}

// Property returns the schema index of the declared property name, or
// NoSchema.
func (s *Schema) Property(name string) int {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return NoSchema
}

// Pattern is one pattern keyword of the spec: an ECMA-262 regular
// expression, with its translation into Go's regexp (RE2) syntax, which
// specgen derives token by token (its tests check the translation against
// an ECMAScript engine). A string matches the pattern exactly when it
// matches every expression of MustMatch and none of MustNotMatch.
type Pattern struct {
	// Source is the spec's text of the pattern, for messages.
	Source string
	// MustMatch and MustNotMatch are the RE2 translation.
	MustMatch, MustNotMatch []string
	// Hints explain why a name fails the pattern, when specgen recognised
	// the pattern's shape (see NameHints).
	Hints NameHints
}

// NameHints are derived by specgen from a pattern of the form
// ^<prefix>(?!<reserved>)[^<forbidden>]*$. All fields are empty when the
// pattern has another form. When Exact is set, these hints match exactly
// the strings the pattern matches (specgen's tests check them against an
// ECMAScript engine), and MatchPattern uses Match's bit-set form, a loop
// over the string, instead of regular expressions. A test of this package
// checks that form against the pattern's translation.
type NameHints struct {
	// Prefix is the text every name starts with, e.g. "X-".
	Prefix string
	// PrefixFold reports whether Prefix is matched ASCII case-insensitively.
	PrefixFold bool
	// Reserved is the text that may not follow Prefix, e.g. "Partoo".
	Reserved string
	// ReservedFold reports whether Reserved is matched ASCII case-insensitively.
	ReservedFold bool
	// Forbidden lists the characters a name may not contain after Prefix.
	Forbidden string
	// Exact reports that Match is the pattern.
	Exact bool
}

// Event is one webhook event of the spec: a type of the event_type enum and
// the schema of the body Partoo delivers for it, the {"type", "payload"}
// envelope.
type Event struct {
	// Type is the event type, such as "business_created".
	Type string
	// Schema is the index in Schemas of the delivery body's schema; its
	// Example is a sample delivery (whose type may be another event's of
	// the same schema).
	Schema int
}

// ErrorBody is the JSON body the spec declares for an error status, built
// from its schema's defaults.
type ErrorBody struct {
	Status int
	Body   string
}
