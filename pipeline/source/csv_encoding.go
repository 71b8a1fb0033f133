package source

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Names of the text encodings the CSV reader recognises, as File.Encoding
// reports them.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 BOM"
	EncodingGB18030 = "GB18030"
	EncodingUTF16LE = "UTF-16LE"
	EncodingUTF16BE = "UTF-16BE"
)

// encodingSample is how much of a file the encoding detection looks at.
const encodingSample = 256 << 10

// encodingHint tells the user how to fix a file whose encoding is unknown.
const encodingHint = "save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (Comma delimited)\") or as GBK, and try again"

// csvEncoding is a detected text encoding: its name, how many bytes of BOM
// to skip, and the decoder to UTF-8 (nil when the bytes are UTF-8 already).
type csvEncoding struct {
	name    string
	bom     int
	decoder *encoding.Decoder
}

// detectEncoding names the encoding of sample, the first bytes of a file
// (all of it when atEOF). It tries, in order: a byte-order mark; UTF-16
// without one, recognised by its NUL bytes; UTF-8; UTF-8 with a few broken
// bytes (a truncated character in an otherwise UTF-8 export must not turn the
// whole file into GB18030 mojibake); GB18030, a superset of GBK and GB2312.
// It reports false when none fits.
func detectEncoding(sample []byte, atEOF bool) (csvEncoding, bool) {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return csvEncoding{name: EncodingUTF8BOM, bom: 3}, true
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		return csvEncoding{name: EncodingUTF16LE, bom: 2, decoder: utf16Decoder(unicode.LittleEndian)}, true
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return csvEncoding{name: EncodingUTF16BE, bom: 2, decoder: utf16Decoder(unicode.BigEndian)}, true
	}
	if enc, ok := sniffUTF16(sample); ok {
		return enc, true
	}
	if !atEOF {
		sample = trimPartialRune(sample)
	}
	if utf8.Valid(sample) {
		return csvEncoding{name: EncodingUTF8}, true
	}
	if mostlyUTF8(sample) {
		return csvEncoding{name: EncodingUTF8}, true
	}
	if decodesCleanly(simplifiedchinese.GB18030.NewDecoder(), sample, atEOF) {
		return csvEncoding{name: EncodingGB18030, decoder: simplifiedchinese.GB18030.NewDecoder()}, true
	}
	return csvEncoding{}, false
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
		return csvEncoding{name: EncodingUTF16LE, decoder: utf16Decoder(unicode.LittleEndian)}, true
	case even*4 >= units && odd*20 <= even:
		return csvEncoding{name: EncodingUTF16BE, decoder: utf16Decoder(unicode.BigEndian)}, true
	}
	return csvEncoding{}, false
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b // ASCII: nothing cut
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// mostlyUTF8 reports whether b is UTF-8 with a few invalid bytes: at least 20
// well-formed multi-byte characters and at least 50 for each invalid byte.
// GBK text forms a well-formed UTF-8 sequence only by rare chance.
func mostlyUTF8(b []byte) bool {
	var good, bad int
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			good++
		}
		b = b[size:]
	}
	return good >= 20 && good >= 50*bad
}

// decodesCleanly reports whether dec decodes b without replacement characters.
func decodesCleanly(dec *encoding.Decoder, b []byte, atEOF bool) bool {
	dst := make([]byte, 3*len(b)+16)
	nDst, _, err := dec.Transform(dst, b, atEOF)
	if err != nil && err != transform.ErrShortSrc {
		return false
	}
	return !bytes.ContainsRune(dst[:nDst], utf8.RuneError)
}

// reader returns r decoded to UTF-8. UTF-8 input passes through as it is;
// the record reader replaces any invalid bytes in it.
func (e csvEncoding) reader(r io.Reader) io.Reader {
	if e.decoder == nil {
		return r
	}
	return transform.NewReader(r, e.decoder)
}
