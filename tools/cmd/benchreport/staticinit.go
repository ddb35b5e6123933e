package main

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// scanModuleInits parses the non-test Go files of every package of module
// linked into pkg and reports, as "file:line: reason", each package-level
// variable initializer or init function that compiles a regular expression
// (regexp or regexp2 Compile/MustCompile...), uses the embedded spec
// (package <module>/api), or calls a YAML/OpenAPI/JSON Schema parser.
//
// Function literals in variable initializers are skipped: they run later,
// when called (sync.OnceValue(func() ...) is the lazy pattern). Bodies of
// init functions are scanned whole. Indirect calls through other functions
// are not followed; the init trace's allocation count covers them.
func scanModuleInits(ctx context.Context, root, module, pkg string) ([]string, error) {
	out, err := goOutput(ctx, root, "list", "-deps", "-json=ImportPath,Name,Dir,GoFiles,Module", pkg)
	if err != nil {
		return nil, err
	}
	var findings []string
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath, Name, Dir string
			GoFiles               []string
			Module                *struct{ Path string }
		}
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("go list -json: %w", err)
		}
		if p.Module == nil || p.Module.Path != module || p.Name == "main" {
			continue
		}
		for _, f := range p.GoFiles {
			found, err := scanFileInits(filepath.Join(p.Dir, f), module)
			if err != nil {
				return nil, err
			}
			for _, s := range found {
				rel, err := filepath.Rel(root, s)
				if err != nil || strings.HasPrefix(rel, "..") {
					rel = s
				}
				findings = append(findings, rel)
			}
		}
	}
	return findings, nil
}

// scanFileInits reports the init-time findings of one file, each prefixed
// with "file:line: ".
func scanFileInits(file, module string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	imports := map[string]string{} // local name -> import path
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, err
		}
		name := importName(p)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = p
	}
	var findings []string
	report := func(pos token.Pos, reason string) {
		findings = append(findings, fmt.Sprintf("%s: %s", fset.Position(pos), reason))
	}
	// visit reports every forbidden reference under n; skipLits leaves
	// function literals out.
	visit := func(n ast.Node, skipLits bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok && skipLits {
				return false
			}
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if reason := forbiddenAtInit(imports[id.Name], sel.Sel.Name, module); reason != "" {
				report(sel.Pos(), fmt.Sprintf("%s.%s at package init: %s", id.Name, sel.Sel.Name, reason))
			}
			return true
		})
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, spec := range d.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					visit(v, true)
				}
			}
		case *ast.FuncDecl:
			if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
				visit(d.Body, false)
			}
		}
	}
	return findings, nil
}

// forbiddenAtInit says why using name from the package at importPath during
// package initialization is forbidden, or returns "".
func forbiddenAtInit(importPath, name, module string) string {
	switch {
	case importPath == "":
		return ""
	case importPath == "regexp" || importPath == "github.com/dlclark/regexp2":
		if strings.HasPrefix(name, "Compile") || strings.HasPrefix(name, "MustCompile") {
			return "compiles a regular expression"
		}
	case importPath == module+"/api":
		return "uses the embedded spec"
	case parserPackages.MatchString(importPath):
		return "uses a YAML/OpenAPI/JSON Schema package"
	}
	return ""
}

// importName is the package name an import path declares by convention:
// its last element, skipping a major-version suffix such as /v2.
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	if i := strings.IndexAny(base, ".-"); i >= 0 && !strings.HasPrefix(base, "go-") {
		base = base[:i]
	}
	return strings.TrimPrefix(base, "go-")
}
