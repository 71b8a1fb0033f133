package source

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// maxExactDigits is how many significant digits Excel keeps in a number.
// A whole number with more digits than this lost its tail when it was stored.
const maxExactDigits = 15

// formatNumber writes the raw text of a numeric cell (<v>13800138000</v>,
// <v>1.3800138E10</v>, <v>0.1</v>) as a person expects to read it: whole
// numbers in plain digits taken from the stored text (no float round trip),
// other numbers as the shortest decimal of the value rounded to Excel's 15
// significant digits. lossy reports a whole number of more than 15 digits —
// an ID or account number whose tail the file no longer holds. ok is false
// when raw is not a number.
func formatNumber(raw []byte) (text string, lossy, ok bool) {
	s := raw
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) == 0 || len(s) > 400 {
		return "", false, false
	}
	neg := false
	i := 0
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		i++
	}
	var digits [64]byte
	mant := digits[:0] // significant digits, leading zeros dropped
	point := 0         // digits of mant before the decimal point
	seen, dot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seen = true
			if c == '0' && len(mant) == 0 {
				if dot {
					point--
				}
				continue
			}
			if len(mant) == cap(digits) {
				// Beyond any double's precision: keep the magnitude only.
				if !dot {
					point++
				}
				continue
			}
			mant = append(mant, c)
			if !dot {
				point++
			}
		case c == '.' && !dot:
			dot = true
		default:
			goto exponent
		}
	}
exponent:
	if !seen {
		return "", false, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return "", false, false
		}
		exp, err := strconv.Atoi(string(s[i+1:]))
		if err != nil {
			return "", false, false
		}
		if exp > 400 || exp < -400 {
			if len(mant) == 0 {
				return "0", false, true
			}
			return "", false, false
		}
		point += exp
	}
	for len(mant) > 0 && mant[len(mant)-1] == '0' {
		mant = mant[:len(mant)-1]
	}
	if len(mant) == 0 {
		return "0", false, true
	}
	if len(mant) <= point {
		// A whole number: exact digits, padded with zeros.
		if point > 308 {
			// Past 1e308 only if the text overflows a double.
			if _, err := strconv.ParseFloat(string(s), 64); err != nil || point > 309 {
				return "", false, false
			}
		}
		var b strings.Builder
		b.Grow(point + 1)
		if neg {
			b.WriteByte('-')
		}
		b.Write(mant)
		for range point - len(mant) {
			b.WriteByte('0')
		}
		return b.String(), point > maxExactDigits, true
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false, false
	}
	text = formatFloat(f)
	if !strings.ContainsRune(text, '.') {
		// Rounded to a whole number: as for one stored whole.
		lossy = len(strings.TrimPrefix(text, "-")) > maxExactDigits
	}
	return text, lossy, true
}

// formatFloat writes f rounded to Excel's 15 significant digits, in plain
// decimal notation with no trailing zeros.
func formatFloat(f float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', maxExactDigits, 64), 64)
	if err != nil {
		r = f
	}
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Serial-day limits of Excel dates: 9999-12-31 in each date system.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = 2957003
)

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// serialDate converts an Excel date serial to "YYYY-MM-DD", or
// "YYYY-MM-DDTHH:MM:SS" when it has a time of day. In the 1900 system Excel
// counts the non-existent 1900-02-29 (serial 60, a bug kept from Lotus 1-2-3),
// so serials before it are one day later than plain arithmetic gives. ok is
// false for serials outside Excel's range (negative, past 9999).
func serialDate(serial float64, date1904 bool) (string, bool) {
	limit := float64(maxSerial1900)
	if date1904 {
		limit = maxSerial1904
	}
	if math.IsNaN(serial) || serial < 0 || serial >= limit+1 {
		return "", false
	}
	secs := int64(math.Round(serial * 86400))
	days, tod := secs/86400, secs%86400
	var t time.Time
	switch {
	case date1904:
		t = epoch1904.AddDate(0, 0, int(days))
	case days == 60:
		return withTime("1900-02-29", tod), true
	case days < 60:
		t = epoch1900.AddDate(0, 0, int(days)+1)
	default:
		t = epoch1900.AddDate(0, 0, int(days))
	}
	return withTime(t.Format(time.DateOnly), tod), true
}

func withTime(date string, tod int64) string {
	if tod == 0 {
		return date
	}
	b := make([]byte, 0, 19)
	b = append(b, date...)
	b = append(b, 'T')
	b = appendTwo(b, tod/3600)
	b = append(b, ':')
	b = appendTwo(b, tod/60%60)
	b = append(b, ':')
	b = appendTwo(b, tod%60)
	return string(b)
}

func appendTwo(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// isoDate normalizes the ISO 8601 value of a t="d" cell (strict OOXML).
func isoDate(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		t, err := time.Parse(layout, raw)
		if err != nil {
			continue
		}
		tod := int64(t.Hour()*3600 + t.Minute()*60 + t.Second())
		return withTime(t.Format(time.DateOnly), tod), true
	}
	return "", false
}

// builtinDateFormat reports whether a built-in number format id shows a date
// or time: 14–22 and 45–47 everywhere, 27–36 and 50–58 in the East Asian
// locales (年月日, 上午/下午).
func builtinDateFormat(id int) bool {
	switch {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return true
	}
	return false
}

// isDateFormat reports whether a custom format code shows a date or time: it
// has a y, m, d, h or s token outside quoted text, escapes and [brackets]
// (so `yyyy"年"m"月"d"日"`, `[$-804]yyyy/m/d` and `h:mm` are dates, while
// `0.00`, `#,##0"元"`, `@` and `General` are not).
func isDateFormat(code string) bool {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return false
			}
			i += j + 1
		case '\\', '_', '*':
			i++ // the next character is literal (or a fill/padding character)
		case 'y', 'Y', 'm', 'M', 'd', 'D', 'h', 'H', 's', 'S':
			return true
		case 'G', 'g':
			if strings.HasPrefix(strings.ToLower(code[i:]), "general") {
				i += len("general") - 1
			}
		case 'E', 'e':
			// Scientific notation (0.00E+00), not a date token here.
		}
	}
	return false
}
