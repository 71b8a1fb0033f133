//go:build !unix

package normalize_test

import "time"

// cpuTime is not measured here: the benchmarks leave out cpu-ns/row.
func cpuTime() time.Duration { return 0 }
