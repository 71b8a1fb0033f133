package phone

import (
	"strings"
	"sync"

	"github.com/crmclean/crmclean/pipeline/msg"
)

// areaCode describes one landline area code (without the trunk 0).
type areaCode struct {
	// lens[i] has bit d set when a subscriber number of 6+i digits starting
	// with digit d is a valid fixed line.
	lens [3]uint16
	// odd marks the same shapes where validity depends on later digits.
	odd [3]uint16
	// deep refines the odd shapes by their first two to four digits; a
	// number of an odd shape that no entry matches is not valid.
	deep   []subscriberPrefix
	cities []string // canonical city names, main city first
}

// subscriberPrefix says that subscriber numbers of n digits starting with
// prefix are valid fixed lines (yes), or that validity depends on later
// digits still (ask: phonenumbers decides).
type subscriberPrefix struct {
	n      int
	prefix string
	v      verdict
}

// subscriber reports whether sub is a valid subscriber number under the
// area code: yes, no, or ask phonenumbers.
func (a areaCode) subscriber(sub string) verdict {
	n := len(sub)
	if n < 6 || n > 8 || sub[0] < '0' || sub[0] > '9' {
		return no
	}
	bit := uint16(1) << (sub[0] - '0')
	switch {
	case a.lens[n-6]&bit != 0:
		return yes
	case a.odd[n-6]&bit != 0:
		for _, d := range a.deep {
			if d.n == n && strings.HasPrefix(sub, d.prefix) {
				return d.v
			}
		}
	}
	return no
}

// maxLen is the longest subscriber number the area code can take.
func (a areaCode) maxLen() int {
	for i := 2; i >= 0; i-- {
		if a.lens[i]|a.odd[i] != 0 {
			return 6 + i
		}
	}
	return 0
}

// lengths describes the subscriber lengths the area code takes: "8", "7 or 8".
func (a areaCode) lengths() string {
	var mask, odd uint8
	for i := range a.lens {
		if a.lens[i] != 0 {
			mask |= 1 << i
		}
		if a.odd[i] != 0 {
			odd |= 1 << i
		}
	}
	if mask == 0 {
		mask = odd
	}
	return lengthNames[mask]
}

// lengthNames names the sets of subscriber lengths, as message arguments
// ("7 or 8"): bit i stands for 6+i
// digits.
var lengthNames = [8]string{"", "6", "7", msg.Or("6", "7"), "8", msg.Or("6", "8"), msg.Or("7", "8"), msg.Or("6", "7", "8")}

type verdict int

const (
	no verdict = iota
	yes
	ask // the table cannot tell; phonenumbers decides
)

// lookupArea finds the area code at the start of a national number without
// its trunk 0: two digits for 10 and 2x, else three, or four where
// phonenumbers knows such a code.
func lookupArea(national string) (string, areaCode, bool) {
	if len(national) >= 4 {
		if n, ok := number(national[:3]); ok && areaIndex.fourHead[n] {
			if a, ok := areaCodes[national[:4]]; ok {
				return national[:4], a, true
			}
		}
	}
	n := 3
	if strings.HasPrefix(national, "10") || strings.HasPrefix(national, "2") {
		n = 2
	}
	if len(national) < n {
		return "", areaCode{}, false
	}
	code := national[:n]
	if v, ok := number(code); ok && code[0] != '0' && areaIndex.at[v] > 0 {
		return code, areaIndex.codes[areaIndex.at[v]-1], true
	}
	return code, areaCode{}, false
}

// areaIndex is areaCodes indexed for lookupArea without hashing.
var areaIndex = indexAreaCodes(areaCodes)

type areaCodeIndex struct {
	at       [1000]int16 // a two- or three-digit code read as a number: 1 + its index in codes, 0 if none
	fourHead [1000]bool  // the first three digits of a four-digit code
	codes    []areaCode
}

func indexAreaCodes(m map[string]areaCode) *areaCodeIndex {
	idx := &areaCodeIndex{}
	for code, a := range m {
		if len(code) == 4 {
			v, _ := number(code[:3])
			idx.fourHead[v] = true
			continue
		}
		v, _ := number(code)
		idx.codes = append(idx.codes, a)
		idx.at[v] = int16(len(idx.codes))
	}
	return idx
}

// number reads two or three ASCII digits.
func number(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

var (
	cityCodesOnce sync.Once
	cityCodes     map[string]string
)

// AreaCode returns the landline area code, without the trunk 0, of a
// canonical city name ("杭州市" → "571"), or "" when the city is unknown.
// A city served by several codes gets the one where it is the main city.
func AreaCode(city string) string {
	cityCodesOnce.Do(func() {
		cityCodes = make(map[string]string)
		rank := make(map[string]int)
		for code, a := range areaCodes {
			for i, c := range a.cities {
				old, seen := cityCodes[c]
				if !seen || i < rank[c] || (i == rank[c] && code < old) {
					cityCodes[c] = code
					rank[c] = i
				}
			}
		}
	})
	city = strings.TrimSpace(city)
	if code, ok := cityCodes[city]; ok {
		return code
	}
	if city != "" && !strings.HasSuffix(city, "市") {
		return cityCodes[city+"市"]
	}
	return ""
}

// CityOfAreaCode returns the canonical names of the cities an area code
// serves ("571" or "0571" → ["杭州市"]), main city first; nil when unknown.
// The names come from phonenumbers' Chinese geocoding data.
func CityOfAreaCode(code string) []string {
	code = strings.TrimPrefix(strings.TrimSpace(code), "0")
	a, ok := areaCodes[code]
	if !ok || len(a.cities) == 0 {
		return nil
	}
	return append([]string(nil), a.cities...)
}

// servesCity reports whether the area code serves city. Unknown cities
// (not in the geocoding data) are never a mismatch.
func servesCity(code, city string) (serves, known bool) {
	// A city the code serves is in the table, so it is known: only a
	// mismatch needs AreaCode to tell a known city from an unknown one.
	for _, c := range areaCodes[code].cities {
		if c == city || c == city+"市" {
			return true, true
		}
	}
	return false, AreaCode(city) != ""
}
