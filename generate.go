package partoo

// The generated layer in gen/ comes from the bundled Partoo spec in api/.
// The generators are pinned in the tools module (tools/go.mod), so the root
// module never requires them. Run `go generate ./...` or `make generate`.

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config oapi-codegen.yaml api/openapi-bundled.yaml
//go:generate go -C tools run ./cmd/specgen -spec ../api/openapi-bundled.yaml -out ../gen/spec.gen.go -constraints-out ../gen/constraints.gen.go
//go:generate go tool -modfile=tools/go.mod oapi-codegen -config internal/mockapi/oapi-codegen.yaml api/openapi-bundled.yaml
//go:generate go -C tools run ./cmd/mockspec -spec ../api/openapi-bundled.yaml -out ../internal/mockapi/rules/rules.gen.go -package rules
