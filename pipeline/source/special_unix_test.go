//go:build unix

package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenRefusesSpecialFiles checks that only regular files are read: a
// FIFO named .csv would block the run for ever and /dev/zero never ends.
// Each gets a *FileError naming the file, at once.
func TestOpenRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "管道.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	paths := map[string]string{"FIFO": fifo, "FIFONamedXLSX": filepath.Join(dir, "管道.xlsx")}
	if err := os.Symlink(fifo, paths["FIFONamedXLSX"]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths["LinkToDevZero"] = filepath.Join(dir, "零.csv")
		if err := os.Symlink("/dev/zero", paths["LinkToDevZero"]); err != nil {
			t.Fatal(err)
		}
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			f, err := Open(path) // would block (FIFO) or never end (/dev/zero) if opened
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrNotRegular) || fe.Path != path || !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("Open(%s) = %v, %v; want a *FileError wrapping ErrNotRegular naming the file", path, f, err)
			}
		})
	}
}
