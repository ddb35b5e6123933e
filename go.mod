module github.com/partoo-go/partoo

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/oapi-codegen/runtime v1.9.0
	go.uber.org/goleak v1.3.0
	golang.org/x/time v0.16.0
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)
