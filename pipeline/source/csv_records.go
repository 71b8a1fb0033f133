package source

import (
	"bytes"
	"io"
)

// maxQuotedField bounds a quoted field. A field still open after this many
// bytes (as many as a cell may hold), or at the end of the file, is taken to
// have begun with a stray quote: the record is read again with that quote as
// plain text, so a lone " can neither swallow the rest of the file into one
// cell nor into memory.
const maxQuotedField = MaxCell

// maxFastLine is the longest line the fast path looks for: longer lines, and
// files whose lines end in a lone CR, take the general path.
const maxFastLine = 4096

// csvRecords splits decoded UTF-8 text into CSV records. It counts every
// record, blank lines included, and treats a quoted field spanning several
// lines as one record, so its count is the row number Excel shows.
//
// The raw bytes of the record being read stay in buf from start on, so a
// record can be read again when a quote turns out to be stray.
type csvRecords struct {
	r     io.Reader
	delim byte
	buf   []byte
	start int // where the current record begins in buf
	pos   int // next unread byte in buf
	end   int // end of the data in buf
	eof   bool
	err   error // read error other than io.EOF
	// stop is set when a record breaks a limit (ErrCellTooLong,
	// ErrRowTooLong), in field stopCol: reading ends there.
	stop    error
	stopCol int
	enc     csvEncoding // how records are decoded (see cellArena)

	// The record read last: field i is rec[bounds[2i]:bounds[2i+1]]. rec
	// is either text, where fields are copied back to back, or for a line
	// without quotes or CR the line itself in buf (valid until next).
	// quoted counts fields that were quoted.
	rec    []byte
	text   []byte
	bounds []int
	quoted int
	// literal holds offsets (from start) of quotes found stray in this
	// record, to be read as plain text; strayCols the fields they open.
	literal   []int
	strayCols []int
	// width is the table's usual number of fields (from the sniffer; 0
	// when unknown) and wide is set once a record that wide was read:
	// until then a quoted field may be a stray quote before the header.
	width int
	wide  bool
}

func newCSVRecords(r io.Reader, delim byte, bufSize int) *csvRecords {
	return &csvRecords{r: r, delim: delim, buf: make([]byte, bufSize), enc: csvEncoding{name: EncodingUTF8, text: utf8Charset}}
}

// fill reads more input, keeping the current record's bytes. It reports
// whether new bytes arrived. A record that would grow beyond MaxRecord
// stops the reading instead.
func (c *csvRecords) fill() bool {
	if c.eof || c.stop != nil {
		return false
	}
	if c.end-c.start >= MaxRecord {
		c.halt(ErrRowTooLong)
		return false
	}
	if c.start > 0 {
		n := copy(c.buf, c.buf[c.start:c.end])
		c.pos -= c.start
		c.end = n
		c.start = 0
	}
	if c.end == len(c.buf) {
		grown := make([]byte, min(2*len(c.buf), MaxRecord+1))
		copy(grown, c.buf[:c.end])
		c.buf = grown
	}
	for tries := 0; tries < 100; tries++ {
		n, err := c.r.Read(c.buf[c.end:])
		c.end += n
		if err != nil {
			c.eof = true
			if err != io.EOF {
				c.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	c.eof = true
	c.err = io.ErrNoProgress
	return false
}

// halt stops the reading at the field being read, for err.
func (c *csvRecords) halt(err error) {
	if c.stop == nil {
		c.stop, c.stopCol = err, len(c.bounds)/2
	}
}

// next reads one record. It returns false when the input is exhausted, a
// read failed (see c.err) or a record broke a limit (c.stop). A blank line
// is a record with one empty field.
func (c *csvRecords) next() bool {
	if c.pos == c.end && !c.fill() {
		return false
	}
	c.start = c.pos
	c.literal, c.strayCols = c.literal[:0], c.strayCols[:0]
	if !c.readLine() {
		for !c.readRecord() {
			// A quote was stray: read the record again from its first byte.
			c.pos = c.start
		}
	}
	if c.width > 0 && c.fields() >= c.width {
		c.wide = true
	}
	return c.stop == nil
}

// readLine is the fast path of next: when the buffer holds the whole next
// line and it has neither quotes nor a CR other than in a final CRLF, the
// line is the record, split where the delimiter is.
func (c *csvRecords) readLine() bool {
	b := c.buf[c.pos:min(c.end, c.pos+maxFastLine)]
	n := bytes.IndexByte(b, '\n')
	if n < 0 {
		return false
	}
	line := b[:n]
	if n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if bytes.IndexByte(line, '"') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
		return false
	}
	c.bounds = c.bounds[:0]
	c.quoted = 0
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], c.delim)
		if j < 0 {
			c.bounds = append(c.bounds, i, len(line))
			break
		}
		c.bounds = append(c.bounds, i, i+j)
		i += j + 1
	}
	c.rec = line
	c.pos += n + 1
	return true
}

// readRecord reads the record at c.pos. It returns false, after noting the
// offending quote in c.literal, when a quoted field does not close.
func (c *csvRecords) readRecord() bool {
	c.text = c.text[:0]
	c.bounds = c.bounds[:0]
	c.quoted = 0
	defer func() { c.rec = c.text }()
	for {
		first := len(c.text)
		if c.pos == c.end && !c.fill() {
			c.bounds = append(c.bounds, first, first)
			return true
		}
		if c.buf[c.pos] == '"' && !c.isLiteral(c.pos-c.start) {
			if !c.readQuoted() {
				return false
			}
		} else {
			c.readPlain(first)
		}
		if c.stop != nil {
			return true
		}
		if len(c.bounds) == 2*MaxColumns {
			c.halt(ErrTooManyCols)
			return true
		}
		c.bounds = append(c.bounds, first, len(c.text))
		if c.endField() {
			return true
		}
	}
}

// fields returns the number of fields of the last record.
func (c *csvRecords) fields() int { return len(c.bounds) / 2 }

// field returns field i of the last record.
func (c *csvRecords) field(i int) []byte { return c.rec[c.bounds[2*i]:c.bounds[2*i+1]] }

func (c *csvRecords) isLiteral(off int) bool {
	for _, l := range c.literal {
		if l == off {
			return true
		}
	}
	return false
}

// readPlain appends an unquoted field's bytes up to the delimiter or the end
// of the line. Quotes inside it are text. A field (begun in c.text at first)
// longer than MaxCell stops the reading.
func (c *csvRecords) readPlain(first int) {
	for {
		b := c.buf[c.pos:c.end]
		i := 0
		for i < len(b) {
			ch := b[i]
			if ch == c.delim || ch == '\n' || ch == '\r' {
				break
			}
			i++
		}
		c.text = append(c.text, b[:i]...)
		c.pos += i
		if len(c.text)-first > MaxCell {
			c.halt(ErrCellTooLong)
			return
		}
		if i < len(b) || !c.fill() {
			return
		}
	}
}

// readQuoted reads a quoted field starting at the opening quote. Doubled
// quotes become one; line breaks inside become "\n". Text after the closing
// quote (other than spaces) is kept, the closing quote with it.
//
// It returns false, the quote marked stray, when the field does not close
// (see maxQuotedField), or when it is a stray quote before the header: see
// swallowsHeader.
func (c *csvRecords) readQuoted() bool {
	open := c.pos - c.start
	c.pos++
	c.quoted++
	first := len(c.text)
	stray := func() bool {
		c.literal = append(c.literal, open)
		c.strayCols = append(c.strayCols, len(c.bounds)/2)
		return false
	}
	for {
		if c.pos == c.end && !c.fill() {
			if c.stop != nil {
				return true // the record broke a limit: reading ends
			}
			return stray()
		}
		b := c.buf[c.pos:c.end]
		i := 0
		for i < len(b) && b[i] != '"' && b[i] != '\r' {
			i++
		}
		c.text = append(c.text, b[:i]...)
		c.pos += i
		if len(c.text)-first > maxQuotedField {
			return stray()
		}
		if i == len(b) {
			continue
		}
		if b[i] == '\r' {
			c.text = append(c.text, '\n')
			c.pos++
			if c.peek() == '\n' {
				c.pos++
			}
			continue
		}
		// A quote: doubled, closing, or closing followed by stray text.
		c.pos++
		switch c.peek() {
		case '"':
			c.text = append(c.text, '"')
			c.pos++
			continue
		case -1, '\n', '\r', int(c.delim):
		default:
			c.afterClose(first)
		}
		if c.swallowsHeader(first) {
			return stray()
		}
		return true
	}
}

// swallowsHeader reports whether the quoted field just read (from first in
// c.text) began with a stray quote before the header: it spans lines, no
// record as wide as the table has been read yet, and one of its lines holds
// as many delimiters as a whole row. A quote left before the header line
// (or a title line above it) would otherwise join the header to the lines
// around it, up to the next quote in the file, and the columns would not be
// found. Below the header a quoted cell over several lines stays one cell.
func (c *csvRecords) swallowsHeader(first int) bool {
	if c.width < 2 || c.wide {
		return false
	}
	f := c.text[first:]
	if bytes.IndexByte(f, '\n') < 0 {
		return false
	}
	for line := range bytes.SplitSeq(f, []byte{'\n'}) {
		if bytes.Count(line, []byte{c.delim}) >= c.width-1 {
			return true
		}
	}
	return false
}

// afterClose handles text between a closing quote and the delimiter, as in
// `"abc"def`: spaces are dropped, anything else is kept after a literal quote.
// The field began in c.text at first.
func (c *csvRecords) afterClose(first int) {
	mark := len(c.text)
	c.text = append(c.text, '"')
	c.readPlain(first)
	if len(bytes.Trim(c.text[mark+1:], " \t")) == 0 {
		c.text = c.text[:mark]
	}
}

// peek returns the next byte, or -1 at the end of the input.
func (c *csvRecords) peek() int {
	if c.pos == c.end && !c.fill() {
		return -1
	}
	return int(c.buf[c.pos])
}

// endField consumes what ends a field and reports whether it also ended the
// record.
func (c *csvRecords) endField() bool {
	switch c.peek() {
	case -1:
		return true
	case '\n':
		c.pos++
		return true
	case '\r':
		c.pos++
		if c.peek() == '\n' {
			c.pos++
		}
		return true
	}
	c.pos++ // the delimiter
	return false
}

// blank reports whether the last record was an empty line.
func (c *csvRecords) blank() bool {
	return len(c.bounds) == 2 && c.bounds[1] == c.bounds[0] && c.quoted == 0
}
