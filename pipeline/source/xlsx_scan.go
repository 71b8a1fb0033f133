package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// This file holds the hand-written XML scanning used for the large parts of a
// workbook (sheets and the shared-strings table). encoding/xml allocates a
// token per element and runs at a third of the speed needed, so the scanner
// works on raw bytes instead: a sliding window over the decompressed part
// (xmlWindow) hands out one element at a time — a whole <row> or <si> — as
// contiguous bytes, and the small helpers below walk the tags inside it.

// errElementTooLarge is returned when one element (a row, a string) does not
// fit in the window's maximum size.
var errElementTooLarge = errors.New("a single XML element is larger than the safety limit")

// xmlWindow reads an XML stream through a growable buffer. Offsets given to
// and returned by its methods are relative to the start of the unread data, so
// they stay valid when the buffer is compacted or grown.
type xmlWindow struct {
	r   io.Reader
	buf []byte
	pos int // start of unread data in buf
	end int // end of data in buf
	max int // largest buffer allowed
	eof bool
	err error // first read error other than io.EOF
}

func newXMLWindow(r io.Reader, max int) *xmlWindow {
	size := 64 << 10
	if size > max {
		size = max
	}
	return &xmlWindow{r: r, buf: make([]byte, size), max: max}
}

// data returns the unread bytes currently buffered.
func (w *xmlWindow) data() []byte { return w.buf[w.pos:w.end] }

// advance consumes n bytes.
func (w *xmlWindow) advance(n int) { w.pos += n }

// fill reads more data into the window. It reports whether any was added.
func (w *xmlWindow) fill() bool {
	if w.eof || w.err != nil {
		return false
	}
	if w.pos > 0 {
		n := copy(w.buf, w.buf[w.pos:w.end])
		w.pos, w.end = 0, n
	}
	if w.end == len(w.buf) {
		if len(w.buf) >= w.max {
			w.err = errElementTooLarge
			return false
		}
		size := min(2*len(w.buf), w.max)
		nb := make([]byte, size)
		copy(nb, w.buf[:w.end])
		w.buf = nb
	}
	for range 100 {
		n, err := w.r.Read(w.buf[w.end:])
		w.end += n
		if err == io.EOF {
			w.eof = true
			return n > 0
		}
		if err != nil {
			w.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	w.err = io.ErrNoProgress
	return false
}

// ensure makes at least n unread bytes available if the stream has them.
func (w *xmlWindow) ensure(n int) bool {
	for w.end-w.pos < n {
		if !w.fill() {
			return false
		}
	}
	return true
}

// indexByte returns the offset of the first c at or after off, or -1.
func (w *xmlWindow) indexByte(off int, c byte) int {
	for {
		if off < w.end-w.pos {
			if i := bytes.IndexByte(w.buf[w.pos+off:w.end], c); i >= 0 {
				return off + i
			}
			off = w.end - w.pos
		}
		if !w.fill() {
			return -1
		}
	}
}

// index returns the offset of the first pat at or after off, or -1.
func (w *xmlWindow) index(off int, pat []byte) int {
	for {
		if off < w.end-w.pos {
			if i := bytes.Index(w.buf[w.pos+off:w.end], pat); i >= 0 {
				return off + i
			}
			off = max(off, w.end-w.pos-len(pat)+1)
		}
		if !w.fill() {
			return -1
		}
	}
}

// skipTo discards data up to the next pat and returns its offset (0 unless
// pat starts an element that must be re-read from its '<'), or -1 at the end
// of the stream. Unlike index it never holds the skipped bytes.
func (w *xmlWindow) skipTo(pat []byte, keep int) int {
	for {
		d := w.data()
		if i := bytes.Index(d, pat); i >= 0 {
			back := min(i, keep)
			w.advance(i - back)
			return back
		}
		if n := len(d) - len(pat) - keep; n > 0 {
			w.advance(n)
		}
		if !w.fill() {
			return -1
		}
	}
}

// tagEnd returns the offset just past the '>' closing the tag that starts at
// off, skipping '>' inside quoted attribute values, or -1.
func (w *xmlWindow) tagEnd(off int) int {
	var quote byte
	i := off + 1
	for {
		for ; w.pos+i < w.end; i++ {
			c := w.buf[w.pos+i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				return i + 1
			}
		}
		if !w.fill() {
			return -1
		}
	}
}

// failure describes why the window stopped: a read error or a truncated part.
func (w *xmlWindow) failure(what string) error {
	if w.err != nil {
		if errors.Is(w.err, errElementTooLarge) {
			return fmt.Errorf("%w: %w", ErrTooLarge, w.err)
		}
		return fmt.Errorf("%w: %w", ErrCorrupt, w.err)
	}
	return fmt.Errorf("%w: the XML ends inside %s", ErrCorrupt, what)
}

// element is the next piece of markup found by nextElement.
type element struct {
	tag   []byte // the start tag, '<' to '>'
	local []byte // local name (prefix stripped)
	end   bool   // an end tag </x>
	self  bool   // a self-closing tag <x/>
}

// nextElement finds the next tag in the window, skipping comments, processing
// instructions and declarations. It returns the tag's offset and the offset
// just past it; ok is false at the end of the stream.
func (w *xmlWindow) nextElement() (el element, start, stop int, ok bool) {
	off := 0
	for {
		i := w.indexByte(off, '<')
		if i < 0 {
			return element{}, 0, 0, false
		}
		if !w.ensure(i + 4) {
			return element{}, 0, 0, false
		}
		d := w.data()
		if d[i+1] == '!' && d[i+2] == '-' && d[i+3] == '-' {
			j := w.index(i+4, []byte("-->"))
			if j < 0 {
				return element{}, 0, 0, false
			}
			off = j + 3
			continue
		}
		e := w.tagEnd(i)
		if e < 0 {
			return element{}, 0, 0, false
		}
		tag := w.data()[i:e]
		if tag[1] == '?' || tag[1] == '!' {
			off = e
			continue
		}
		return parseTag(tag), i, e, true
	}
}

// parseTag classifies a tag given from '<' to '>' inclusive.
func parseTag(tag []byte) element {
	el := element{tag: tag}
	n := tag[1 : len(tag)-1]
	if len(n) > 0 && n[0] == '/' {
		el.end = true
		n = n[1:]
	}
	if len(n) > 0 && n[len(n)-1] == '/' {
		el.self = true
		n = n[:len(n)-1]
	}
	for i, c := range n {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			n = n[:i]
			break
		}
	}
	if i := bytes.LastIndexByte(n, ':'); i >= 0 {
		n = n[i+1:]
	}
	el.local = n
	return el
}

// qname returns the tag's qualified name (with any prefix).
func (el element) qname() []byte {
	n := el.tag[1:]
	if el.end {
		n = n[1:]
	}
	for i, c := range n {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>' {
			return n[:i]
		}
	}
	return n
}

// closeTag returns "</qname>" for the element.
func (el element) closeTag() []byte {
	q := el.qname()
	b := make([]byte, 0, len(q)+3)
	b = append(b, "</"...)
	b = append(b, q...)
	return append(b, '>')
}

// nextTag finds the next tag in b at or after i, skipping comments and
// declarations. It returns the tag and the index just past it, or stop < 0.
func nextTag(b []byte, i int) (el element, start, stop int) {
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return element{}, -1, -1
		}
		start = i + j
		if bytes.HasPrefix(b[start:], []byte("<!--")) {
			k := bytes.Index(b[start+4:], []byte("-->"))
			if k < 0 {
				return element{}, -1, -1
			}
			i = start + 4 + k + 3
			continue
		}
		stop = tagEndIn(b, start)
		if stop < 0 {
			return element{}, -1, -1
		}
		if c := b[start+1]; c == '!' || c == '?' {
			if bytes.HasPrefix(b[start:], []byte("<![CDATA[")) {
				// CDATA belongs to text; skip it when looking for tags.
				k := bytes.Index(b[start:], []byte("]]>"))
				if k < 0 {
					return element{}, -1, -1
				}
				i = start + k + 3
				continue
			}
			i = stop
			continue
		}
		return parseTag(b[start:stop]), start, stop
	}
}

// tagEndIn returns the index just past the '>' ending the tag at b[start].
func tagEndIn(b []byte, start int) int {
	var quote byte
	for i := start + 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return -1
}

// attr returns the raw value of the attribute whose local name is name.
func attr(tag []byte, name string) ([]byte, bool) {
	var val []byte
	found := false
	eachAttr(tag, func(key, v []byte) bool {
		if string(key) == name {
			val, found = v, true
			return false
		}
		return true
	})
	return val, found
}

// eachAttr calls fn with the local name and raw value of each attribute of
// tag (namespace declarations left out) until fn returns false.
func eachAttr(tag []byte, fn func(key, val []byte) bool) {
	i := 1
	// Skip the tag name.
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	for i < len(tag) {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		ks := i
		for i < len(tag) && tag[i] != '=' && !isSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
			i++
		}
		key := tag[ks:i]
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] != '=' {
			if len(key) == 0 {
				i++ // '/' or '>'
			}
			continue
		}
		i++
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return
		}
		q := tag[i]
		vs := i + 1
		j := bytes.IndexByte(tag[vs:], q)
		if j < 0 {
			return
		}
		val := tag[vs : vs+j]
		i = vs + j + 1
		if k := bytes.LastIndexByte(key, ':'); k >= 0 {
			if string(key[:k]) == "xmlns" {
				continue
			}
			key = key[k+1:]
		}
		if !fn(key, val) {
			return
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendCharData appends the character data of b starting at i (up to the
// next tag, CDATA sections included) to dst, decoded, and returns the index
// where it stopped.
func appendCharData(dst []byte, b []byte, i int) ([]byte, int) {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			j = len(b) - i
		}
		dst = appendDecoded(dst, b[i:i+j])
		i += j
		if !bytes.HasPrefix(b[i:], []byte("<![CDATA[")) {
			break
		}
		k := bytes.Index(b[i+9:], []byte("]]>"))
		if k < 0 {
			dst = append(dst, b[i+9:]...)
			return dst, len(b)
		}
		dst = appendNewlines(dst, b[i+9:i+9+k])
		i += 9 + k + 3
	}
	return dst, i
}

// appendDecoded appends XML character data with entities resolved and line
// ends normalized, as an XML parser would.
func appendDecoded(dst, s []byte) []byte {
	if bytes.IndexByte(s, '&') < 0 {
		return appendNewlines(dst, s)
	}
	for len(s) > 0 {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return appendNewlines(dst, s)
		}
		dst = appendNewlines(dst, s[:i])
		s = s[i:]
		j := bytes.IndexByte(s, ';')
		if j < 0 || j > 12 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		ent := s[1:j]
		if r, ok := entityRune(ent); ok {
			dst = utf8.AppendRune(dst, r)
		} else {
			dst = append(dst, s[:j+1]...)
		}
		s = s[j+1:]
	}
	return dst
}

func entityRune(ent []byte) (rune, bool) {
	switch string(ent) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	var n rune
	for _, c := range digits {
		d, ok := hexDigit(c)
		if !ok || d >= base {
			return 0, false
		}
		n = n*rune(base) + rune(d)
		if n > utf8.MaxRune {
			return 0, false
		}
	}
	if !utf8.ValidRune(n) {
		return utf8.RuneError, true
	}
	return n, true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// appendNewlines appends s with "\r\n" and lone "\r" turned into "\n".
func appendNewlines(dst, s []byte) []byte {
	if bytes.IndexByte(s, '\r') < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		dst = append(dst, c)
	}
	return dst
}

// decodeOOXMLEscapes resolves the _xHHHH_ escapes Excel writes for control
// characters (a carriage return is stored as _x000D_, and a literal
// "_x" sequence as _x005F_x).
func decodeOOXMLEscapes(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			var r rune
			ok := true
			for _, c := range s[i+2 : i+6] {
				d, isHex := hexDigit(c)
				if !isHex {
					ok = false
					break
				}
				r = r<<4 | rune(d)
			}
			if ok {
				out = utf8.AppendRune(out, r)
				i += 7
				continue
			}
		}
		out = append(out, s[i])
		i++
	}
	return out
}

// appendStringItem appends the text of a shared-string item or inline string
// (the <si>/<is> content in b): plain <t> text and rich-text runs, with
// phonetic runs (<rPh>) left out.
func appendStringItem(dst, b []byte) []byte {
	phonetic := 0
	for i := 0; ; {
		el, _, stop := nextTag(b, i)
		if stop < 0 {
			return dst
		}
		i = stop
		switch string(el.local) {
		case "rPh":
			if el.end {
				phonetic--
			} else if !el.self {
				phonetic++
			}
		case "t":
			if !el.end && !el.self && phonetic <= 0 {
				dst, i = appendCharData(dst, b, i)
			}
		}
	}
}
