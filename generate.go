package partoo

// The generated code comes from the bundled Partoo spec in api/, in three
// steps. specgen -api writes api/openapi-bundled.yaml when api/ holds
// Partoo's verbatim bundle (Partoo's bundle with the repairs overlay
// api/repairs.yaml applied, the operationIds of the naming file, 3.0 forms
// upgraded to 3.1's; nothing for a bundle the project assembled), so that
// every step below and every other reader of the spec sees one document,
// then an overlay that adds each default to its description; oapi-codegen
// writes the typed models and the raw client (gen/) with it; then specgen
// compiles the spec into the tables that the client and the fake server
// share (internal/apispec/spec.gen.go) and writes the client's services
// against oapi-codegen's output (services.gen.go), using the naming file
// api/names.yaml, and writes the values of README.md's custom-header rules
// table. The generators are pinned in the tools module (tools/go.mod), so
// the root module never requires them. Run `go generate ./...` or
// `make generate`.

//go:generate go -C tools run ./cmd/specgen -api ../api -spec ../api/openapi-bundled.yaml -overlay ../internal/apispec/defaults-overlay.gen.yaml
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config oapi-codegen.yaml api/openapi-bundled.yaml
//go:generate go -C tools run ./cmd/specgen -spec ../api/openapi-bundled.yaml -names ../api/names.yaml -oapi-config ../oapi-codegen.yaml -table ../internal/apispec/spec.gen.go -services ../services.gen.go -readme ../README.md -gen ../gen/partoo.gen.go
