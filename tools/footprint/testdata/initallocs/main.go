// Command initallocs imports partoo and prints the allocations profile in
// its text form. Run with GODEBUG=memprofilerate=1, the profile records
// every allocation since the process started, with its stack: the footprint
// test looks there for a regular expression compiled during package
// initialization.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"

	_ "github.com/partoo-go/partoo"
)

func main() {
	// The profile is published by the garbage collections that follow the
	// allocations.
	runtime.GC()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(os.Stdout, 1); err != nil {
		os.Exit(1)
	}
}
