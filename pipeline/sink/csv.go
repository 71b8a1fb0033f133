package sink

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
)

// CSV writes one output CSV file: UTF-8 with BOM, comma-separated, RFC 4180
// quoting, and every cell made safe against formula injection.
type CSV struct {
	ctx     context.Context // Write fails once it is done
	rows    int
	f       *os.File
	buf     *bufio.Writer
	w       *csv.Writer
	path    string
	numeric map[int]bool // columns whose plain numbers and E.164 phones stay as they are
	row     []string
}

// CreateCSV creates path (owner-readable only) and writes the header.
// Once ctx is done, Write fails with its error (checkEvery).
// Columns named in phoneCols keep values that are E.164 phones or plain
// numbers unescaped.
func CreateCSV(ctx context.Context, path string, header []string, phoneCols ...string) (*CSV, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, lockedHint("create", path, err)
	}
	c := &CSV{ctx: ctx, f: f, buf: bufio.NewWriterSize(f, 1<<16), path: path, numeric: map[int]bool{}}
	c.buf.WriteString("\ufeff")
	c.w = csv.NewWriter(c.buf)
	for i, h := range header {
		for _, p := range phoneCols {
			if h == p {
				c.numeric[i] = true
			}
		}
	}
	if err := c.Write(header); err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

// checkEvery is how many rows a writer writes between looks at its
// context: a stopped run ends within a few milliseconds, and the look
// costs nothing measurable.
const checkEvery = 1024

// Write writes one record, escaping cells that a spreadsheet would evaluate.
func (c *CSV) Write(cells []string) error {
	if c.rows++; c.rows%checkEvery == 0 {
		if err := c.ctx.Err(); err != nil {
			return fmt.Errorf("write %s: %w", c.path, err)
		}
	}
	c.row = c.row[:0]
	for i, s := range cells {
		c.row = append(c.row, SafeCell(s, c.numeric[i]))
	}
	if err := c.w.Write(c.row); err != nil {
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	return nil
}

// Close flushes and closes the file.
func (c *CSV) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.f.Close()
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	if err := c.buf.Flush(); err != nil {
		c.f.Close()
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", c.path, err)
	}
	return nil
}

// SafeCell guards a cell against formula injection: a value that starts with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, unless
// it is plainly a number, or an E.164 phone number (or a list of them) in a
// phone column.
func SafeCell(s string, phoneCol bool) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return s
	}
	if isPlainNumber(s) || phoneCol && isPhoneList(s) {
		return s
	}
	return "'" + s
}

// isPlainNumber reports whether s is a decimal number such as -12 or -3.5.
func isPlainNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
		case s[i] == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// isPhoneList reports whether s is one or more E.164 numbers, optionally with
// ";ext=NNN", separated by "|".
func isPhoneList(s string) bool {
	for _, p := range strings.Split(s, "|") {
		num, ext, hasExt := strings.Cut(p, ";ext=")
		if len(num) < 4 || num[0] != '+' || !allDigits(num[1:]) || hasExt && !allDigits(ext) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
