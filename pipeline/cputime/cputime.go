// Package cputime reads the CPU time the process has used, user and system.
// Other jobs on a loaded machine stretch wall-clock figures but not this
// one; garbage collection on other threads adds to it. Stage lines and the
// benchmarks' rows per CPU-second use it.
package cputime
