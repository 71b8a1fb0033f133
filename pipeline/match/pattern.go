package match

import "strings"

// A pair's evidence pattern is a short stable code of how its fields
// compared, for grouping doubtful pairs that deserve one answer:
//
//	company·name≈·mobile=·address∅
//
// It starts with the pair's kind (person, or company when either record is
// one), then lists name, mobile and address always and contact, landline,
// e-mail and USCC when both records have them, each followed by its
// outcome: = agree, ≈ near (read alike, a digit short), ~ fuzzy (alike),
// ≠ disagree, ∅ missing on either side. A branch relation adds
// branch~ (one is a branch) or branch≠. Fields are joined by "·".

// PatternSymbols maps each outcome name (Evidence.Outcome) to its symbol
// in a pattern code.
var PatternSymbols = map[string]string{"agree": "=", "near": "≈", "fuzzy": "~", "disagree": "≠", "missing": "∅"}

var levelSymbols = [nLevels]string{agree: "=", near: "≈", fuzzy: "~", disagree: "≠", missing: "∅"}

// patternFields are the fields a pattern shows, in order; always are
// shown even when missing.
var patternFields = [...]struct {
	f      int
	always bool
}{{fName, true}, {fContact, false}, {fMobile, true}, {fLine, false}, {fEmail, false}, {fAddress, true}, {fUSCC, false}}

// patternOf renders the evidence pattern of an outcome.
func patternOf(pat uint32) string {
	var b strings.Builder
	b.WriteString(kindNames[kindOf(pat)])
	for _, pf := range patternFields {
		lv := level(pat, pf.f)
		if lv == missing && !pf.always {
			continue
		}
		b.WriteString("·")
		b.WriteString(fieldNames[pf.f])
		b.WriteString(levelSymbols[lv])
	}
	switch branchOf3(pat) {
	case branchOne:
		b.WriteString("·branch~")
	case branchDifferent:
		b.WriteString("·branch≠")
	}
	return b.String()
}

// PatternPart is one field of a pattern code.
type PatternPart struct {
	Field   string // name, contact, mobile, landline, email, address, uscc, branch
	Outcome string // agree, near, fuzzy, disagree, missing
}

// ParsePattern splits a pattern code into its kind and fields; ok is
// false when code is not one.
func ParsePattern(code string) (kind string, parts []PatternPart, ok bool) {
	items := strings.Split(code, "·")
	if len(items) < 2 || items[0] != "person" && items[0] != "company" {
		return "", nil, false
	}
	for _, it := range items[1:] {
		found := false
		for outcome, sym := range PatternSymbols {
			if f, cut := strings.CutSuffix(it, sym); cut && f != "" {
				parts = append(parts, PatternPart{Field: f, Outcome: outcome})
				found = true
				break
			}
		}
		if !found {
			return "", nil, false
		}
	}
	return items[0], parts, true
}
