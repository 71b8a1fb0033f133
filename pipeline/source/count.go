package source

import (
	"io"
	"sync/atomic"
)

// byteCount counts the bytes read from a file on disk, for progress.
type byteCount struct{ n atomic.Int64 }

// countingReader counts what r gives.
type countingReader struct {
	r io.Reader
	c *byteCount
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.c.n.Add(int64(n))
	return n, err
}

// countingReaderAt counts what r gives. A zip part read twice counts
// twice, so the count may pass the file's size; BytesRead caps it.
type countingReaderAt struct {
	r io.ReaderAt
	c *byteCount
}

func (r countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	r.c.n.Add(int64(n))
	return n, err
}

// BytesRead is about how many bytes of the file on disk have been read so
// far: for a CSV the bytes decoded, for a workbook the compressed bytes of
// the parts read (the shared strings first, then each sheet as its rows are
// ranged over). It never passes Size and is safe to call from any goroutine.
func (f *File) BytesRead() int64 {
	if f.read == nil {
		return 0
	}
	return min(f.read.n.Load(), f.Size)
}
