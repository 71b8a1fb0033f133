package source

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Names of the text encodings the CSV reader recognises, as File.Encoding
// reports them.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 BOM"
	EncodingGB18030 = "GB18030"
	EncodingBig5    = "Big5"
	EncodingUTF16LE = "UTF-16LE"
	EncodingUTF16BE = "UTF-16BE"
)

// The encoding of a CSV file is decided from a sample of it: encodingSample
// bytes, or up to maxEncodingSample when the first ones hold fewer than
// minEvidence bytes that are not ASCII (an export whose first rows are
// digits and Latin letters says nothing of its Chinese ones).
const (
	encodingSample    = 256 << 10
	maxEncodingSample = 16 << 20
	minEvidence       = 4 << 10
)

// encodingHint tells the user how to fix a file whose encoding is unknown.
const encodingHint = "save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (Comma delimited)\") or as GBK, and try again"

// Rules of the issues the CSV reader attaches to rows.
const (
	// RuleOtherEncoding: the row is text in the file's other encoding
	// (UTF-8 in a GBK file, or GBK in a UTF-8 one) and was read in it.
	RuleOtherEncoding = "text.other_encoding"
	// RuleInvalidBytes: a cell holds bytes that are text in neither
	// encoding; they were replaced by U+FFFD (�).
	RuleInvalidBytes = "text.invalid_bytes"
	// RuleStrayQuote: a quote opened the cell and never closed (or, before
	// the header, would have swallowed the lines below it); it was read as
	// text.
	RuleStrayQuote = "csv.stray_quote"
)

// charset is an ASCII-compatible text encoding the CSV reader splits
// records in before decoding them: every byte below 0x80 is the ASCII
// character, and the delimiters, quotes and line ends it looks for never
// occur inside a character (GB18030 and Big5 second bytes start at 0x30
// and 0x40, above ',', '\t', ';', '"', CR and LF).
type charset struct {
	name    string // as messages name it
	decoder *encoding.Decoder
}

var (
	utf8Charset    = &charset{name: "UTF-8"}
	gb18030Charset = &charset{name: "GBK/GB18030", decoder: simplifiedchinese.GB18030.NewDecoder()}
	big5Charset    = &charset{name: "Big5", decoder: traditionalchinese.Big5.NewDecoder()}
)

// appendText appends b decoded to UTF-8 and reports whether every byte was
// text in c: bytes that are not become U+FFFD.
func (c *charset) appendText(dst, b []byte) ([]byte, bool) {
	if c.decoder == nil {
		if utf8.Valid(b) {
			return append(dst, b...), true
		}
		return append(dst, bytes.ToValidUTF8(b, []byte("\uFFFD"))...), false
	}
	if isASCII(b) {
		return append(dst, b...), true
	}
	start := len(dst)
	for {
		dst = growFree(dst, 3*len(b)+8) // GB18030 and Big5 expand to at most 3 bytes per byte (4 for a 4-byte sequence)
		nDst, nSrc, err := c.decoder.Transform(dst[len(dst):cap(dst)], b, true)
		dst = dst[:len(dst)+nDst]
		b = b[nSrc:]
		if err != transform.ErrShortDst {
			break
		}
	}
	// bytes.ContainsRune walks rune by rune to find RuneError itself.
	return dst, !bytes.Contains(dst[start:], replacementChar)
}

// replacementChar is U+FFFD in UTF-8.
var replacementChar = []byte("\uFFFD")

// valid reports whether b is text in c.
func (c *charset) valid(b []byte, scratch *[]byte) bool {
	if c.decoder == nil {
		return utf8.Valid(b)
	}
	var ok bool
	*scratch, ok = c.appendText((*scratch)[:0], b)
	return ok
}

// growFree makes room for at least n more bytes after len(b).
func growFree(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	grown := make([]byte, len(b), 2*cap(b)+n)
	copy(grown, b)
	return grown
}

// isASCII reports whether every byte of b is below 0x80.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if (uint64(b[0])|uint64(b[1])<<8|uint64(b[2])<<16|uint64(b[3])<<24|
			uint64(b[4])<<32|uint64(b[5])<<40|uint64(b[6])<<48|uint64(b[7])<<56)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// csvEncoding is a detected text encoding: its name, how many bytes of BOM
// to skip, and how the text is decoded. An ASCII-compatible file is split
// into records as it is and each record decoded by text (with other tried
// for a record that is not text in it); a UTF-16 file is decoded to UTF-8
// by stream first.
type csvEncoding struct {
	name   string
	bom    int
	text   *charset          // ASCII-compatible: the file's encoding
	other  *charset          // the encoding a record may be in instead (UTF-8 ↔ GBK), or nil
	stream *encoding.Decoder // UTF-16: decodes the whole stream
}

// detectEncoding names the encoding of sample, the first bytes of a file
// (all of it when atEOF). It tries, in order: a byte-order mark; UTF-16
// without one, recognised by its NUL bytes; then it decides between UTF-8,
// GB18030 (a superset of GBK and GB2312) and Big5 by the lines of the sample
// that hold other bytes than ASCII (see voteEncoding). The error, wrapping
// ErrEncoding, names the first line that is text in none of them.
func detectEncoding(sample []byte, atEOF bool) (csvEncoding, error) {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return csvEncoding{name: EncodingUTF8BOM, bom: 3, text: utf8Charset, other: gb18030Charset}, nil
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		return csvEncoding{name: EncodingUTF16LE, bom: 2, stream: utf16Decoder(unicode.LittleEndian)}, nil
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return csvEncoding{name: EncodingUTF16BE, bom: 2, stream: utf16Decoder(unicode.BigEndian)}, nil
	}
	if enc, ok := sniffUTF16(sample); ok {
		return enc, nil
	}
	v := voteEncoding(sample, atEOF)
	var enc csvEncoding
	switch {
	case v.lines == 0 || 2*v.utf8 >= v.lines:
		enc = csvEncoding{name: EncodingUTF8, text: utf8Charset, other: gb18030Charset}
	case v.big5 > v.gb18030 || v.big5 == v.gb18030 && v.big5Common > v.gbCommon:
		enc = csvEncoding{name: EncodingBig5, text: big5Charset, other: utf8Charset}
	default:
		enc = csvEncoding{name: EncodingGB18030, text: gb18030Charset, other: utf8Charset}
	}
	if 2*v.none >= v.lines && v.lines > 0 {
		where := "in the file"
		if !atEOF {
			where = fmt.Sprintf("in its first %d KB", len(sample)>>10)
		}
		err := fmt.Errorf("%w: line %d is not text in UTF-8, UTF-16, GBK/GB18030 or Big5", ErrEncoding, v.firstNone)
		if v.none > 1 {
			err = fmt.Errorf("%w, nor are %d more of the %d lines with non-ASCII bytes %s", err, v.none-1, v.lines, where)
		}
		return csvEncoding{}, err
	}
	return enc, nil
}

// encodingVote counts the complete lines of a sample that hold bytes other
// than ASCII (lines), and of those the lines that are text in each
// encoding, the lines that are text in none, and the double-byte
// characters among common ones of each (see commonGB and commonBig5).
type encodingVote struct {
	lines, utf8, gb18030, big5, none int
	firstNone                        int // 1-based line number of the first line in none
	gbCommon, big5Common             int
}

// voteEncoding reads the sample line by line. A file in one encoding has
// nearly all its lines valid in it; UTF-8 text is seldom valid GBK and GBK
// text almost never valid UTF-8, so UTF-8 wins when half the lines are
// UTF-8 (a file with a few broken characters, or appended to by a second
// program, is still decided by the bulk). Big5 and GBK bytes are often
// valid in one another: they are told apart by which encoding the lines'
// characters fall among the common characters of.
func voteEncoding(sample []byte, atEOF bool) encodingVote {
	var v encodingVote
	var scratch []byte
	for num := 1; len(sample) > 0; num++ {
		i := bytes.IndexByte(sample, '\n')
		if i < 0 && !atEOF {
			break // the last line may be cut short
		}
		line := sample
		if i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			sample = nil
		}
		if isASCII(line) {
			continue
		}
		v.lines++
		if utf8.Valid(line) {
			v.utf8++
			continue
		}
		gb, big5 := gb18030Charset.valid(line, &scratch), big5Charset.valid(line, &scratch)
		if gb {
			v.gb18030++
		}
		if big5 {
			v.big5++
		}
		if !gb && !big5 {
			v.none++
			if v.firstNone == 0 {
				v.firstNone = num
			}
		}
		v.gbCommon += commonGB(line)
		v.big5Common += commonBig5(line)
	}
	return v
}

// commonGB counts the characters of b, read as GB18030, among the 6,763
// hanzi of GB2312 (first byte 0xB0–0xF7, second 0xA1–0xFE), where nearly
// all the text of a GBK file falls.
func commonGB(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x81 || c == 0xFF || i+1 == len(b) {
			continue
		}
		d := b[i+1]
		if d >= 0x30 && d <= 0x39 { // four-byte sequence
			i += 3
			continue
		}
		if c >= 0xB0 && c <= 0xF7 && d >= 0xA1 && d <= 0xFE {
			n++
		}
		i++
	}
	return n
}

// commonBig5 counts the characters of b, read as Big5, among its 5,401
// frequently used hanzi (0xA440–0xC67E).
func commonBig5(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x81 || c == 0xFF || i+1 == len(b) {
			continue
		}
		d := b[i+1]
		code := int(c)<<8 | int(d)
		if code >= 0xA440 && code <= 0xC67E && (d >= 0x40 && d <= 0x7E || d >= 0xA1 && d <= 0xFE) {
			n++
		}
		i++
	}
	return n
}

func utf16Decoder(order unicode.Endianness) *encoding.Decoder {
	return unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder()
}

// sniffUTF16 recognises UTF-16 without a BOM: text files hold no NUL bytes
// except as the high half of ASCII characters in UTF-16, which all fall on
// odd offsets (little-endian) or all on even ones (big-endian).
func sniffUTF16(sample []byte) (csvEncoding, bool) {
	n := len(sample) &^ 1
	if n < 4 {
		return csvEncoding{}, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if sample[i] == 0 {
			even++
		}
		if sample[i+1] == 0 {
			odd++
		}
	}
	units := n / 2
	switch {
	case odd*4 >= units && even*20 <= odd:
		return csvEncoding{name: EncodingUTF16LE, stream: utf16Decoder(unicode.LittleEndian)}, true
	case even*4 >= units && odd*20 <= even:
		return csvEncoding{name: EncodingUTF16BE, stream: utf16Decoder(unicode.BigEndian)}, true
	}
	return csvEncoding{}, false
}

// decodeSample returns the sample (BOM skipped) as UTF-8 text, for the
// delimiter sniffer and the empty-file test.
func (e csvEncoding) decodeSample(sample []byte, atEOF bool) []byte {
	b := sample[e.bom:]
	switch {
	case e.stream != nil:
		e.stream.Reset()
		out := make([]byte, 0, 2*len(b)+16)
		for {
			out = growFree(out, 2*len(b)+16)
			nDst, nSrc, err := e.stream.Transform(out[len(out):cap(out)], b, atEOF)
			out = out[:len(out)+nDst]
			b = b[nSrc:]
			if err != transform.ErrShortDst {
				return out
			}
		}
	case e.text.decoder != nil:
		out, _ := e.text.appendText(nil, b)
		return out
	}
	return b
}

// reader returns the text of r to split into records: decoded to UTF-8 for
// UTF-16, as it is otherwise (records are decoded one by one).
func (e csvEncoding) reader(r io.Reader) io.Reader {
	if e.stream == nil {
		return r
	}
	e.stream.Reset()
	return transform.NewReader(r, e.stream)
}

// streamed returns e with the stream decoded to UTF-8 before it is split,
// for a double-byte file whose delimiter may be the second byte of a
// character ('|' is 0x7C): each record is then UTF-8 already, and the other
// encoding cannot be tried for it.
func (e csvEncoding) streamed() csvEncoding {
	if e.text == nil || e.text.decoder == nil {
		return e
	}
	e.stream = e.text.decoder
	e.text, e.other = nil, nil
	return e
}
