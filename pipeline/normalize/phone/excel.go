package phone

import (
	"strconv"
	"strings"
)

// minExactDigits is the fewest significant digits a mantissa in scientific
// notation must carry to be trusted. Excel's General format in a narrow
// column, %g and pandas all round to 6 significant digits, so a mantissa of
// 6 or fewer digits has most likely lost some; one of 7 or more was written
// by a shortest-round-trip formatter, whose omitted digits are zeros.
const minExactDigits = 7

// excelKind says what excelNumber found.
type excelKind int

const (
	notExcel   excelKind = iota
	excelFloat           // "13800138000.0": digits with a zero fraction
	excelSci             // "1.3800138E+10", exact
	excelLossy           // scientific notation whose digits were rounded away
)

// excelNumber recognises a numeric cell that a spreadsheet or a CSV export
// turned into float text, and returns its digits. Scientific notation is
// expanded with decimal string arithmetic, never through float64.
func excelNumber(s string) (string, excelKind) {
	if len(s) < 3 || s[0] < '0' || s[0] > '9' {
		return "", notExcel
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i > 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if !allDigits(intPart) || !allDigits(frac) || (!hasDot && !hasExp) {
		return "", notExcel
	}
	if !hasExp {
		// "13800138000.0": only a fraction of zeros, and enough digits to be a
		// phone number rather than a dotted number such as "0571.8888".
		if strings.Trim(frac, "0") != "" || frac == "" || len(intPart) < 5 {
			return "", notExcel
		}
		return intPart, excelFloat
	}
	exp = strings.TrimPrefix(exp, "+")
	if !allDigits(exp) || exp == "" || len(exp) > 2 {
		return "", notExcel
	}
	e, _ := strconv.Atoi(exp)
	sig := strings.TrimLeft(intPart+frac, "0")
	pointAt := len(intPart) + e // digits before the decimal point after shifting
	digits := intPart + frac
	if sig == "" || len(intPart) != 1 {
		return "", notExcel
	}
	if pointAt <= len(digits) {
		// every digit is written; a non-zero fraction is not a phone number
		if strings.Trim(digits[pointAt:], "0") != "" {
			return "", excelLossy
		}
		return digits[:pointAt], excelSci
	}
	if len(sig) < minExactDigits {
		return "", excelLossy
	}
	return digits + strings.Repeat("0", pointAt-len(digits)), excelSci
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
