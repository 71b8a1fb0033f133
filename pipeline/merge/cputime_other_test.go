//go:build !unix

package merge

import "time"

// cpuTime is not measured here: BenchmarkBuild leaves out customers/cpu-s.
func cpuTime() time.Duration { return 0 }
