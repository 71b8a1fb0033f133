package phone

import (
	"strconv"
	"strings"
	"sync"
)

// areaCode describes one landline area code (without the trunk 0).
type areaCode struct {
	// lens[i] has bit d set when a subscriber number of 6+i digits starting
	// with digit d is a valid fixed line.
	lens [3]uint16
	// odd marks the same shapes where validity depends on later digits:
	// those numbers are checked by phonenumbers itself.
	odd    [3]uint16
	cities []string // canonical city names, main city first
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
		return ask
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
	var ls []string
	for i := range a.lens {
		if a.lens[i] != 0 {
			ls = append(ls, strconv.Itoa(6+i))
		}
	}
	if len(ls) == 0 {
		for i := range a.odd {
			if a.odd[i] != 0 {
				ls = append(ls, strconv.Itoa(6+i))
			}
		}
	}
	return strings.Join(ls, " or ")
}

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
		if a, ok := areaCodes[national[:4]]; ok {
			return national[:4], a, true
		}
	}
	n := 3
	if strings.HasPrefix(national, "10") || strings.HasPrefix(national, "2") {
		n = 2
	}
	if len(national) < n {
		return "", areaCode{}, false
	}
	a, ok := areaCodes[national[:n]]
	return national[:n], a, ok
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
	if AreaCode(city) == "" {
		return false, false
	}
	for _, c := range areaCodes[code].cities {
		if c == city || c == city+"市" {
			return true, true
		}
	}
	return false, true
}
