//go:build !unix

package main

import "time"

// processCPU is not measured here: stage lines give wall time only.
func processCPU() time.Duration { return 0 }
