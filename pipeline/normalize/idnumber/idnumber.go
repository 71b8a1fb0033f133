// Package idnumber recognises the personal numbers that must never travel
// through crmclean: resident identity card numbers (居民身份证号码, GB 11643)
// and bank card numbers. Mapping uses it to find sensitive columns by their
// content whatever their header, and ingest to mask an identity number
// written in any other cell (a note, a tax-number column).
package idnumber

import "time"

// residentWeights are the weights of positions 1–17 of GB 11643-1999
// (ISO 7064 MOD 11-2); the check character is checkChars[Σ mod 11].
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// provinces marks the valid first two digits (province-level division of
// GB/T 2260, plus 71 Taiwan, 81 Hong Kong, 82 Macao).
var provinces = func() (p [100]bool) {
	for _, c := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
		50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82} {
		p[c] = true
	}
	return p
}()

// minBirthYear is the earliest birth year taken as real.
const minBirthYear = 1900

// Resident reports whether s is an 18-character resident identity card
// number: 17 digits and a check character (0–9 or X, either case) that
// match, a province-level division code, and a real birth date at
// positions 7–14 that is not in the future.
func Resident(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * residentWeights[i]
	}
	check := s[17]
	if check == 'x' {
		check = 'X'
	}
	if check != checkChars[sum%11] {
		return false
	}
	if !provinces[int(s[0]-'0')*10+int(s[1]-'0')] {
		return false
	}
	return realDate(s[6:14])
}

// realDate reports whether the eight digits d are a date YYYYMMDD between
// minBirthYear and today.
func realDate(d string) bool {
	n := func(s string) int {
		v := 0
		for i := range len(s) {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	y, m, day := n(d[:4]), n(d[4:6]), n(d[6:8])
	if y < minBirthYear || m < 1 || m > 12 || day < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // 31 April, 29 February of a common year
		return false
	}
	return !t.After(time.Now())
}

// BankCard reports whether s is a bank card number: 16 to 19 digits with a
// valid Luhn check digit and the issuer prefix of a card scheme used in
// China — UnionPay 62 and 60, Visa 4, Mastercard 51–55 and 2221–2720, JCB
// 35, Discover 65, and the domestic 9 of older cards (9558…, 95599…).
func BankCard(s string) bool {
	if len(s) < 16 || len(s) > 19 {
		return false
	}
	sum := 0
	for i := range len(s) {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return false
	}
	return issuer(s)
}

func issuer(s string) bool {
	two := int(s[0]-'0')*10 + int(s[1]-'0')
	four := two*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	switch {
	case s[0] == '4', s[0] == '9':
		return true
	case two == 62 || two == 60 || two == 65 || two == 35:
		return true
	case two >= 51 && two <= 55:
		return true
	case four >= 2221 && four <= 2720:
		return true
	}
	return false
}

// Kind of a sensitive value, as Classify reports it.
type Kind int

const (
	None Kind = iota
	ResidentID
	Card
)

func (k Kind) String() string {
	switch k {
	case ResidentID:
		return "resident identity card numbers (身份证号)"
	case Card:
		return "bank card numbers"
	}
	return "none"
}

// Classify tells whether one cell holds a resident identity number or a
// bank card number and nothing else (spaces and dashes between digit
// groups, as people type card numbers, are allowed; full-width digits are
// read as digits).
func Classify(cell string) Kind {
	var buf [24]byte
	n := 0
	for _, r := range cell {
		switch {
		case r >= '0' && r <= '9' || r == 'X' || r == 'x':
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'Ｘ' || r == 'ｘ':
			r = 'X'
		case r == ' ' || r == '-' || r == '\u3000' || r == '\t':
			continue
		default:
			return None
		}
		if n == len(buf) {
			return None
		}
		buf[n] = byte(r)
		n++
	}
	s := string(buf[:n])
	switch {
	case Resident(s):
		return ResidentID
	case BankCard(s):
		return Card
	}
	return None
}

// MaskResident replaces every resident identity number written in s (a
// run of 17 digits and a check character, standing alone: not part of a
// longer run of digits or letters) with asterisks, one per character. It
// returns s itself, and false, when there is none; the common case costs
// one pass over the bytes without allocating.
func MaskResident(s string) (string, bool) {
	if !mayHoldResident(s) {
		return s, false
	}
	var out []byte
	for i := 0; i+18 <= len(s); {
		if i > 0 && alnum(s[i-1]) || !isDigit(s[i]) {
			i++
			continue
		}
		cand := s[i : i+18]
		if (i+18 == len(s) || !alnum(s[i+18])) && Resident(cand) {
			if out == nil {
				out = []byte(s)
			}
			for j := i; j < i+18; j++ {
				out[j] = '*'
			}
			i += 18
			continue
		}
		i++
	}
	if out == nil {
		return s, false
	}
	return string(out), true
}

// mayHoldResident is MaskResident's quick test: s has a run of at least
// 17 ASCII digits.
func mayHoldResident(s string) bool {
	run := 0
	for i := range len(s) {
		if isDigit(s[i]) {
			run++
			if run >= 17 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func alnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
