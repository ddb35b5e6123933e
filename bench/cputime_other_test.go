//go:build !linux

package bench_test

import "time"

var start = time.Now()

// threadCPU falls back to the monotonic clock where the thread's CPU clock
// is not read.
func threadCPU() time.Duration { return time.Since(start) }
