// Package statetest helps tests that open state files written by earlier
// releases of crmclean (kept gzipped under pipeline/state/testdata).
package statetest

import (
	"compress/gzip"
	"io"
	"os"
	"testing"
)

// Gunzip writes the gzipped state file gz to path (0600), for a test to
// open it; opening migrates it in place, so each test takes its own copy.
func Gunzip(t testing.TB, gz, path string) {
	t.Helper()
	in, err := os.Open(gz)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
