//go:build !unix

package report

import "time"

// cpuTime is not measured here: BenchmarkBuild leaves out rows/cpu-s.
func cpuTime() time.Duration { return 0 }
