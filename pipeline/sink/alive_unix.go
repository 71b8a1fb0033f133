//go:build unix

package sink

import (
	"errors"
	"os"
	"syscall"
)

// processAlive reports whether a process with id pid runs on this machine.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
