package match

import (
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
)

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

// Label renders a pattern code for a person, in lang ("zh", the default,
// or "en"): "个人：名称一致 · 手机缺失 · 地址一致", "persons: name agrees ·
// mobile missing · address agrees". A code that is no pattern comes back
// as it is.
func Label(code, lang string) string {
	kind, parts, ok := ParsePattern(code)
	if !ok {
		return code
	}
	var b strings.Builder
	b.WriteString(msg.Text(lang, "pattern.head", msg.Text(lang, msg.ID("pattern.kind."+kind))))
	for i, p := range parts {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(msg.Text(lang, "pattern.part", msg.Text(lang, msg.ID("evidence.field."+p.Field)), msg.Text(lang, msg.ID("pattern.outcome."+p.Outcome))))
	}
	return b.String()
}

// PatternOf rebuilds a pair's pattern code from its evidence (as a pair
// stored by an earlier run holds it) and whether either record is a
// company: the code the matching gave it, since evidence lists the fields
// in pattern order and a field it leaves out is missing. A pair decided
// by a person (evidence led by a "decision" item) has none: "".
func PatternOf(ev []Evidence, company bool) string {
	if len(ev) > 0 && ev[0].Field == "decision" {
		return ""
	}
	var b strings.Builder
	b.WriteString(kindNames[kPerson])
	if company {
		b.Reset()
		b.WriteString(kindNames[kCompany])
	}
	outcomes := map[string]string{}
	for _, e := range ev {
		outcomes[e.Field] = e.Outcome
	}
	for _, pf := range patternFields {
		o, ok := outcomes[fieldNames[pf.f]]
		if !ok || PatternSymbols[o] == "" {
			o = "missing"
		}
		if o == "missing" && !pf.always {
			continue
		}
		b.WriteString("·")
		b.WriteString(fieldNames[pf.f])
		b.WriteString(PatternSymbols[o])
	}
	switch outcomes["branch"] {
	case "fuzzy":
		b.WriteString("·branch~")
	case "disagree":
		b.WriteString("·branch≠")
	}
	return b.String()
}

// HardConflict reports whether a pattern holds evidence that its pairs
// are different customers whatever else they share (see hardConflict):
// different USCCs, different branches, or persons whose names differ. A
// decision on such a pattern never merges its pairs; each pair can still
// be decided on its own.
func HardConflict(code string) bool {
	kind, parts, ok := ParsePattern(code)
	if !ok {
		return false
	}
	for _, p := range parts {
		switch {
		case p.Outcome != "disagree":
		case p.Field == "uscc", p.Field == "branch":
			return true
		case p.Field == "name" && kind == kindNames[kPerson]:
			return true
		}
	}
	return false
}
