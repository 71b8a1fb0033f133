package name

import (
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/record"
)

// Kind tells a company (or other organisation) from a person. hasContact
// says the row names a separate contact person; pass false when the
// contact is the name itself. In order:
//   - a legal form, a company word (公司, 厂, 中心 …, Co., Ltd, Inc) or a
//     trade word (科技, 商贸 …) makes a company;
//   - a latin name of two to four pinyin syllables in at least two words
//     (Zhang Wei, WEI ZHANG, ZhangWei) is a person; other latin names of
//     two or three words are persons unless a separate contact is named;
//   - a name mixing Han characters with latin letters or digits is a company;
//   - a Han name of two or three characters that starts with a known
//     surname is a person, as is one of up to four with a compound surname
//     or a minority name written with a middle dot (阿依古丽·买买提); four
//     characters with a single surname read as a brand (国色天娇), not a
//     person; a name that starts with a region followed by at least two
//     characters, or that ends in a one-character company word (五金行,
//     茶社) after at least two others, is a company;
//   - anything else is a company.
//
// An empty name is a company: there is nothing to read a person from.
func (n *Namer) Kind(name string, hasContact bool) record.Kind {
	return n.kind(name, n.Display(name), hasContact)
}

// KindAndDisplay returns Kind(name, hasContact) and Display(name), working
// out the display form once.
func (n *Namer) KindAndDisplay(name string, hasContact bool) (record.Kind, string) {
	if at, _, ok := n.companyIx.leftmostHan(name); ok {
		return n.hanKind(name, at >= 0, hasContact), name // Display leaves it alone
	}
	d := n.Display(name)
	return n.kind(name, d, hasContact), d
}

// kind is Kind for a name and its display form.
func (n *Namer) kind(name, display string, hasContact bool) record.Kind {
	if at, _, ok := n.companyIx.leftmostHan(display); ok {
		return n.hanKind(display, at >= 0, hasContact)
	}
	return n.anyKind(name, fold(display), hasContact)
}

// hanKind is kind for a display name of CJK unified ideographs only
// (text.AllHan), most names: anyKind's checks in the same order, for a
// name that is its own fold and compact form, has one rune per three
// bytes and holds no latin letter, digit or dot. companyWord says whether
// companyIx finds a word in s. TestShortcutsAgree checks it against anyKind.
func (n *Namer) hanKind(s string, companyWord, hasContact bool) record.Kind {
	if companyWord {
		return record.Company
	}
	runes := len(s) / 3
	last := han(s, len(s)-3)
	if runes >= 3 && n.oneChar.has(last) {
		return record.Company
	}
	first := han(s, 0)
	if n.regionStart.has(first) {
		for _, l := range n.regionFirst[first].lens {
			if runes-l >= 2 && n.regions[s[:3*l]] {
				return record.Company
			}
		}
	}
	if runes >= 2 {
		if _, ok := n.compound[s[:6]]; ok {
			if runes <= 4 {
				return record.Person
			}
			return record.Company
		}
	}
	if n.surnames.has(first) && (runes == 2 || runes == 3) {
		return record.Person
	}
	return record.Company
}

// anyKind is kind for any name; s is the fold of its display form.
func (n *Namer) anyKind(name, s string, hasContact bool) record.Kind {
	if s == "" || n.hasCompanyWord(s) {
		return record.Company
	}
	var han, latin, digit, dots int
	for _, r := range s {
		switch {
		case isHan(r):
			han++
		case r == '·':
			dots++
		case unicode.IsDigit(r):
			digit++
		case unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case han == 0:
		return n.latinKind(name, s, hasContact, digit > 0)
	case latin > 0 || digit > 0:
		return record.Company
	case dots > 0:
		return record.Person
	}
	rs := []rune(compact(s))
	if len(rs) >= 3 && n.endsWithOneCharCompanyWord(s) {
		return record.Company
	}
	if n.startsWithRegion(rs) {
		return record.Company
	}
	if n.isCompoundSurname(rs) {
		if len(rs) <= 4 {
			return record.Person
		}
		return record.Company
	}
	// rs is empty for Han that is no letter: 〣
	if len(rs) > 0 && n.isSurname(rs[0]) && (len(rs) == 2 || len(rs) == 3) {
		return record.Person
	}
	return record.Company
}

// hasCompanyWord looks for legal forms, company words of two or more
// characters, trade words and latin company words.
func (n *Namer) hasCompanyWord(s string) bool {
	if n.companyIx.in(s) {
		return true
	}
	if !mayHaveLatin(s) {
		return false // no latin word to look at: most Chinese names
	}
	words := latinWords(s)
	for _, w := range words {
		if n.companyLat[w] {
			return true
		}
	}
	for _, form := range n.latinForms {
		if containsWords(words, form) {
			return true
		}
	}
	return false
}

func containsWords(words, seq []string) bool {
	for i := 0; i+len(seq) <= len(words); i++ {
		ok := true
		for j, w := range seq {
			if words[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (n *Namer) endsWithOneCharCompanyWord(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(s)
	return n.oneChar.has(last)
}

// startsWithRegion reports whether rs starts with a region name followed
// by at least two more runes. Only the lengths of the regions that start
// with rs[0] are tried.
func (n *Namer) startsWithRegion(rs []rune) bool {
	if len(rs) == 0 || !n.regionStart.has(rs[0]) {
		return false
	}
	for _, l := range n.regionFirst[rs[0]].lens {
		if len(rs)-l >= 2 && n.regions[string(rs[:l])] {
			return true
		}
	}
	return false
}

func (n *Namer) isCompoundSurname(rs []rune) bool {
	if len(rs) < 2 {
		return false
	}
	_, ok := n.compound[string(rs[:2])]
	return ok
}

func (n *Namer) isSurname(r rune) bool { return n.surnames.has(r) }

// latinKind classifies a name without Han characters.
func (n *Namer) latinKind(name, folded string, hasContact, digits bool) record.Kind {
	if digits {
		return record.Company
	}
	if syl, words, ok := romanized(name); ok && words >= 2 && len(syl) >= 2 && len(syl) <= 4 {
		return record.Person
	}
	if w := latinWords(folded); len(w) >= 2 && len(w) <= 3 && !hasContact {
		return record.Person
	}
	return record.Company
}

// BySurnameAlone reports whether Kind reads name as a person only because
// it is two or three Han characters starting with a surname (王芳, and
// also the brands 申通, 蓝翔): the weakest reading, which other evidence on
// the row (the column's header, a credit code) may overturn.
func (n *Namer) BySurnameAlone(name string) bool {
	s := n.Display(name)
	at, _, ok := n.companyIx.leftmostHan(s)
	if !ok || at >= 0 {
		return false // not all Han, or a company word
	}
	if runes := len(s) / 3; runes != 2 && runes != 3 {
		return false
	}
	if _, compound := n.compound[s[:6]]; compound {
		return false // a compound surname is stronger evidence
	}
	return n.hanKind(s, false, false) == record.Person
}
