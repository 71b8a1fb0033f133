package source

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// damagedBook writes a workbook of rows customer rows under a header and
// rewrites its first sheet's part with damage applied to the stored
// (deflated) bytes and header.
func damagedBook(t *testing.T, rows int, damage func(h *zip.FileHeader, data []byte) []byte) string {
	t.Helper()
	var data bytes.Buffer
	fmt.Fprintf(&data, `<dimension ref="A1:B%d"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>客户名称</t></is></c><c r="B1" t="inlineStr"><is><t>手机</t></is></c></row>`, rows+1)
	for i := 2; i <= rows+1; i++ {
		fmt.Fprintf(&data, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>客户%05d有限公司</t></is></c><c r="B%d"><v>1380013%04d</v></c></row>`, i, i, i, i, i)
	}
	data.WriteString(`</sheetData><mergeCells count="1"><mergeCell ref="C1:D1"/></mergeCells>`)
	good := bytes.NewBuffer(rawBook{sheets: []rawSheet{{name: "Sheet1", data: data.String()}}}.bytes(t))
	zr, err := zip.NewReader(bytes.NewReader(good.Bytes()), int64(good.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		h := f.FileHeader
		if f.Name == "xl/worksheets/sheet1.xml" {
			data = damage(&h, append([]byte(nil), data...))
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "损坏.xlsx")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestXLSXDamagedSheetKeepsItsRows checks that a damaged deflate stream or
// a bad checksum in a sheet keeps the rows read before the damage (all
// 3,000 were lost before), and that the error names the first row not read
// and the sheet's last row, so the rest can be accounted for.
func TestXLSXDamagedSheetKeepsItsRows(t *testing.T) {
	const rows = 3000
	tests := []struct {
		name     string
		damage   func(h *zip.FileHeader, data []byte) []byte
		minRead  int // rows read at least (header included)
		allRead  bool
		wantStop bool // the error names a row not read
	}{
		{
			name: "BrokenDeflate",
			damage: func(_ *zip.FileHeader, data []byte) []byte {
				for i := len(data) / 2; i < len(data)/2+64; i++ {
					data[i] ^= 0xA5
				}
				return data
			},
			minRead: 100, wantStop: true,
		},
		{
			name:    "BadChecksum",
			damage:  func(h *zip.FileHeader, data []byte) []byte { h.CRC32 ^= 1; return data },
			minRead: rows + 1, allRead: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(damagedBook(t, rows, tt.damage))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			read, last := 0, 0
			var stop error
			for r, err := range f.Sheets[0].Rows {
				if err != nil {
					stop = err
					break
				}
				read += max(r.End-r.Num+1, 1)
				last = max(r.Num, r.End)
			}
			var pe *PositionError
			if !errors.As(stop, &pe) || !errors.Is(stop, ErrCorrupt) {
				t.Fatalf("after %d rows: %v; want a *PositionError wrapping ErrCorrupt", read, stop)
			}
			if read < tt.minRead || tt.allRead && read != rows+1 {
				t.Errorf("read %d rows, want at least %d (all: %v)", read, tt.minRead, tt.allRead)
			}
			switch {
			case tt.wantStop && (pe.Row != last+1 || pe.LastRow != rows+1):
				t.Errorf("stopped at row %d (last row %d) after row %d; want row %d, last row %d", pe.Row, pe.LastRow, last, last+1, rows+1)
			case !tt.wantStop && pe.Row != 0:
				t.Errorf("error at row %d, want 0: every row was read", pe.Row)
			}
		})
	}
}
