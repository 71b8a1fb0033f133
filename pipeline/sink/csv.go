package sink

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// CSV writes one output CSV file: UTF-8 with BOM, comma-separated, RFC 4180
// quoting, and every cell made safe against formula injection. Rows are
// rendered as bytes (appendField), not through encoding/csv, which needs a
// []string per row: at a million rows the files are written at the speed of
// their bytes. TestAppendFieldMatchesEncodingCSV holds the two equal.
type CSV struct {
	ctx     context.Context // Write fails once it is done
	rows    int
	f       *os.File
	buf     *bufio.Writer
	path    string
	numeric []bool // per column: plain numbers and E.164 phones stay as they are
	line    []byte // the row being rendered
	cells   int    // cells of the row being rendered
	err     error  // the first write error
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
	c := &CSV{ctx: ctx, f: f, buf: bufio.NewWriterSize(f, 1<<16), path: path, numeric: make([]bool, len(header))}
	c.buf.WriteString("\ufeff")
	for i, h := range header {
		c.numeric[i] = slices.Contains(phoneCols, h)
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
	for _, s := range cells {
		c.Cell(s)
	}
	return c.EndRow()
}

// Cell adds a cell to the row being written, escaped as Write escapes it.
func (c *CSV) Cell(s string) {
	if c.cells > 0 {
		c.line = append(c.line, ',')
	}
	phoneCol := c.cells < len(c.numeric) && c.numeric[c.cells]
	c.cells++
	c.line = appendField(c.line, SafeCell(s, phoneCol))
}

// Bytes adds a cell holding b, escaped as Cell escapes it.
func (c *CSV) Bytes(b []byte) {
	if len(b) > 0 && needsFormulaGuard(b[0]) {
		c.Cell(string(b)) // the rare cell SafeCell looks at
		return
	}
	if c.cells > 0 {
		c.line = append(c.line, ',')
	}
	c.cells++
	c.line = appendField(c.line, b)
}

// Int adds a cell holding n.
func (c *CSV) Int(n int) {
	if c.cells > 0 {
		c.line = append(c.line, ',')
	}
	c.cells++
	c.line = strconv.AppendInt(c.line, int64(n), 10)
}

// EndRow ends the row being written and writes it out.
func (c *CSV) EndRow() error {
	c.line = append(c.line, '\n')
	c.cells = 0
	if c.err == nil {
		_, c.err = c.buf.Write(c.line)
	}
	c.line = c.line[:0]
	if c.rows++; c.rows%checkEvery == 0 && c.err == nil {
		c.err = c.ctx.Err()
	}
	if c.err != nil {
		return fmt.Errorf("write %s: %w", c.path, c.err)
	}
	return nil
}

// Close flushes and closes the file.
func (c *CSV) Close() error {
	if err := c.buf.Flush(); err != nil {
		c.f.Close()
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", c.path, err)
	}
	return nil
}

// appendField appends s as encoding/csv's Writer writes a field with a
// comma and LF line ends: in quotes, its quotes doubled, when it holds a
// comma, a quote, CR or LF, starts with white space or is \. (which a
// PostgreSQL COPY would read as the end of data); as it is otherwise.
func appendField[T string | []byte](dst []byte, s T) []byte {
	if !fieldNeedsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(append(dst, s[last:i+1]...), '"')
			last = i + 1
		}
	}
	return append(append(dst, s[last:]...), '"')
}

// fieldNeedsQuotes is encoding/csv's rule for a comma-separated field.
func fieldNeedsQuotes[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	if len(s) == 2 && s[0] == '\\' && s[1] == '.' {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	var first [utf8.UTFMax]byte // a conversion to string would allocate in generic code
	r, _ := utf8.DecodeRune(first[:copy(first[:], s)])
	return unicode.IsSpace(r)
}

// SafeCell guards a cell against formula injection: a value that starts with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, unless
// it is plainly a number, or an E.164 phone number (or a list of them) in a
// phone column.
func SafeCell(s string, phoneCol bool) string {
	if s == "" {
		return s
	}
	if !needsFormulaGuard(s[0]) {
		return s
	}
	if isPlainNumber(s) || phoneCol && isPhoneList(s) {
		return s
	}
	return "'" + s
}

// needsFormulaGuard reports whether a cell starting with c may be read as a
// formula: =, +, -, @, a tab or a carriage return.
func needsFormulaGuard(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
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
		if len(num) < 4 || num[0] != '+' || !text.AllDigits(num[1:]) || hasExt && !text.AllDigits(ext) {
			return false
		}
	}
	return true
}
