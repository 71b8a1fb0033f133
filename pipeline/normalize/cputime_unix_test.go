//go:build unix

package normalize_test

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used. Other
// jobs on a loaded machine stretch the wall-clock figures but not this one,
// which garbage collection on other threads adds to.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
