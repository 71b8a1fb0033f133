package source

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// endless yields pattern for ever, counting the bytes read.
type endless struct {
	pattern string
	prefix  string
	n       int64
}

func (e *endless) Read(p []byte) (int, error) {
	i := 0
	for ; i < len(p); i++ {
		if e.n < int64(len(e.prefix)) {
			p[i] = e.prefix[e.n]
		} else {
			p[i] = e.pattern[(e.n-int64(len(e.prefix)))%int64(len(e.pattern))]
		}
		e.n++
	}
	return i, nil
}

// TestCSVLimits checks that what one cell and one record may hold is
// bounded: input that never ends a cell (a NUL-filled file, /dev/zero) or
// a record stops the rows with a *PositionError naming the row and column,
// after reading a bounded amount, with the rows before it kept.
func TestCSVLimits(t *testing.T) {
	tests := []struct {
		name    string
		in      *endless
		want    error
		rows    int // complete rows before the error
		col     int
		maxRead int64
	}{
		{name: "NULsForEver", in: &endless{pattern: "\x00"}, want: ErrCellTooLong, rows: 0, col: 0, maxRead: maxEncodingSample + 4*MaxCell},
		{name: "OneEndlessCell", in: &endless{prefix: "客户名称,备注\n张三,好\n李四,", pattern: "很长"}, want: ErrCellTooLong, rows: 2, col: 1,
			maxRead: maxEncodingSample + 4*MaxCell},
		{name: "OneEndlessRecord", in: &endless{prefix: "客户名称,备注\n张三,好\n", pattern: strings.Repeat("y", 10<<10) + ","}, want: ErrRowTooLong, rows: 2, col: -2,
			maxRead: 2*MaxRecord + maxEncodingSample},
		{name: "EndlessColumns", in: &endless{prefix: "客户名称,备注\n张三,好\n", pattern: "x,"}, want: ErrTooManyCols, rows: 2, col: MaxColumns,
			maxRead: maxEncodingSample + MaxRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readCSV(tt.in, "无尽.csv")
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for _, err := range f.Sheets[0].Rows {
				if err == nil {
					rows++
					continue
				}
				var pe *PositionError
				if !errors.As(err, &pe) || !errors.Is(err, tt.want) || pe.Path != "无尽.csv" || pe.Row != tt.rows+1 || tt.col >= -1 && pe.Col != tt.col {
					t.Fatalf("error %v; want a *PositionError at row %d, column %d wrapping %v", err, tt.rows+1, tt.col, tt.want)
				}
				if !strings.Contains(err.Error(), "无尽.csv, row ") {
					t.Errorf("error %q does not name the file and row", err)
				}
				if rows != tt.rows {
					t.Errorf("%d rows before the error, want %d", rows, tt.rows)
				}
				if tt.in.n > tt.maxRead {
					t.Errorf("read %d bytes, want at most %d", tt.in.n, tt.maxRead)
				}
				return
			}
			t.Fatal("no error")
		})
	}
}

var _ io.Reader = (*endless)(nil)
