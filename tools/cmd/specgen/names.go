package main

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/gertd/go-pluralize"
	"github.com/partoo-go/partoo/tools/internal/goname"
	"gopkg.in/yaml.v3"
)

// namesFile is the naming file (api/names.yaml): the Go names of services by
// tag and of methods by operationId, and the array a list iterates ("none":
// no list); what it does not name gets a derived name. operationIds is specload's.
type namesFile struct {
	Services     map[string]string `yaml:"services"`
	Operations   map[string]string `yaml:"operations"`
	Lists        map[string]string `yaml:"lists"`
	OperationIDs map[string]string `yaml:"operationIds"`
}

func loadNames(path string) (*namesFile, error) {
	n := &namesFile{}
	if path == "" {
		return n, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(n); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// reserved are the names the hand-written Client already uses, which no service may take.
var reserved = map[string]bool{"Do": true, "BaseURL": true, "ForOrg": true, "Raw": true, "Services": true}

// name sets Service and GoMethod on every operation: named operations
// first, so that a derived name never takes theirs.
func (m *model) name(n *namesFile) error {
	services := map[string]string{} // Go name → tag
	methods := map[string]string{}  // service.method → operationId
	ops := slices.Clone(m.Ops)
	sort.SliceStable(ops, func(i, j int) bool {
		_, a := n.Operations[ops[i].ID]
		_, b := n.Operations[ops[j].ID]
		return a && !b
	})
	for _, o := range ops {
		tag := cmp.Or(o.Tag, "Default")
		svc := cmp.Or(n.Services[tag], goname.Of(tag))
		switch other, ok := services[svc]; {
		case !token.IsIdentifier(svc) || !token.IsExported(svc):
			return fmt.Errorf("tag %q gives the service name %q, which is no exported Go identifier; name its service in the naming file (api/names.yaml), under services", tag, svc)
		case reserved[svc]:
			return fmt.Errorf("tag %q gives the service name %q, which the client already uses; rename it in the naming file (api/names.yaml), under services", tag, svc)
		case ok && other != tag:
			return fmt.Errorf("tags %q and %q both give the service name %q; name one in the naming file (api/names.yaml), under services", other, tag, svc)
		}
		name, named := n.Operations[o.ID]
		if !named {
			name = deriveMethod(o.ID, svc)
			if _, clash := methods[svc+"."+name]; clash || name == "" {
				name = goname.Of(o.ID)
			}
		}
		switch other, clash := methods[svc+"."+name]; {
		case !token.IsIdentifier(name) || !token.IsExported(name):
			return fmt.Errorf("operation %s gets the method name %q, which is no exported Go identifier; name it in the naming file (api/names.yaml), under operations", o.ID, name)
		case clash:
			return fmt.Errorf("operations %s and %s of service %s both get the method name %s; name one in the naming file (api/names.yaml), under operations", other, o.ID, svc, name)
		}
		services[svc] = tag
		methods[svc+"."+name] = o.ID
		o.Service = svc
		o.GoMethod = name
	}
	return nil
}

// inflect spells plurals, and the third person of the verbs of sentence; it is
// read only once made, safe for concurrent use.
var inflect = pluralize.NewClient()

// deriveMethod names an operation's method from its operationId, without
// the words of its service, singular or plural: searchBusinesses in
// Businesses is Search, getUserBusinesses in Users is GetBusinesses.
func deriveMethod(id, service string) string {
	svcWords := map[string]bool{}
	for _, w := range goname.Words(service) {
		w = strings.ToLower(w)
		// The regular plurals too: Indexes as well as indices.
		for _, f := range []string{w, w + "s", w + "es", inflect.Singular(w), inflect.Plural(w)} {
			svcWords[f] = true
		}
	}
	return goname.Join(slices.DeleteFunc(goname.Words(id), func(w string) bool { return svcWords[strings.ToLower(w)] }))
}
