package source

import (
	"archive/zip"
	"io"
	"os"
)

// countingReader tells read how many bytes each Read returned.
type countingReader struct {
	r    io.Reader
	read func(int64)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.read(int64(n))
	}
	return n, err
}

// countingReaderAt tells read how many bytes each ReadAt returned.
type countingReaderAt struct {
	r    io.ReaderAt
	read func(int64)
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if n > 0 {
		c.read(int64(n))
	}
	return n, err
}

// zipFile is an open zip archive and the file under it.
type zipFile struct {
	*zip.Reader
	f *os.File
}

func (z *zipFile) Close() error { return z.f.Close() }

// openZip opens the archive at path, counting the bytes read with read
// when it is not nil.
func openZip(path string, read func(int64)) (*zipFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	var ra io.ReaderAt = f
	if read != nil {
		ra = countingReaderAt{f, read}
	}
	zr, err := zip.NewReader(ra, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	return &zipFile{Reader: zr, f: f}, nil
}
