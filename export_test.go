package partoo

import (
	"runtime/debug"
	"slices"
)

// RaceEnabled is raceEnabled, for the tests of package partoo_test.
var RaceEnabled = raceEnabled

// raceEnabled reports whether the test binary was built with the race
// detector, which allocates on its own and drops a sync.Pool's items at
// random.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	return ok && slices.ContainsFunc(info.Settings, func(s debug.BuildSetting) bool {
		return s.Key == "-race" && s.Value == "true"
	})
}
