//go:build unix

package cputime

import (
	"testing"
	"time"
)

// TestProcessGrows checks that busy work shows as CPU time: a reading that
// stayed 0, or did not move, would leave every CPU figure out or wrong.
func TestProcessGrows(t *testing.T) {
	before := Process()
	if before <= 0 {
		t.Fatalf("Process() = %v at the start, want > 0", before)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		for i := range 1000 {
			x += i
		}
	}
	if after := Process(); after <= before {
		t.Errorf("Process() went from %v to %v over 50 ms of work (%d)", before, after, x)
	}
}
