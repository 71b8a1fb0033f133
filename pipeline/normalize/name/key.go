package name

import (
	"strings"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// MatchKey returns the key two spellings of one company share: the display
// name lower-cased, with bracketed regions (（北京）) and legal forms
// (有限公司, 有限责任公司, Co., Ltd. …) removed, then leading regions
// (北京, 广东省深圳市 …) removed, and everything but letters and digits
// dropped. Branch designations stay: 北京华信科技有限公司上海分公司 →
// 华信科技上海分公司. A region is kept when removing it would leave fewer
// than two characters besides company words, or when a company word follows
// it directly (北京大学, 北京银行, 中山大学附属医院). A key
// that would be empty falls back to the compacted display name.
//
// MatchKey is idempotent: MatchKey(MatchKey(x)) == MatchKey(x).
func (n *Namer) MatchKey(name string) string {
	k, settled := n.step(name)
	if k == name || settled {
		return k // a fixpoint already (most names): another step would give k again
	}
	for range 8 { // each step only shortens in practice; bound it anyway
		next, settled := n.step(k)
		if next == k {
			break
		}
		k = next
		if settled {
			break
		}
	}
	return k
}

// step is keyStep, and also reports whether the key is settled: known to
// be a fixpoint, keyStep(key) == key, without stepping again.
//
// A name of CJK unified ideographs only (text.AllHan), most names, takes a
// short cut: Display, lower-casing, the bracket and latin-form passes and
// compact all leave it alone, so only the Han legal forms and the leading
// regions are dropped. A key is settled when it is what dropLeadingRegions
// left (not the fallback), is ideographs only and holds no Han legal form:
// another step then drops no form, and dropLeadingRegions stopped at it
// already. TestShortcutsAgree checks both against keyStep.
func (n *Namer) step(name string) (key string, settled bool) {
	if at, form, ok := n.hanFormIx.leftmostHan(name); ok {
		s, formless := name, true
		if at >= 0 {
			s, formless = n.cutHanFormsFrom(name, at, form)
		}
		if s = n.dropLeadingRegions(s); s != "" {
			return s, formless // s is the end of a formless text: formless too
		}
		return name, false
	}
	key, fallback := n.keyStep(name)
	return key, !fallback && text.AllHan(key) && !n.mayHoldHanForm(key)
}

// keyStep is one round of MatchKey's removals, without short cuts.
// fallback says nothing was left and the key is the compacted display name.
func (n *Namer) keyStep(name string) (key string, fallback bool) {
	d := lower(n.Display(name))
	s := n.dropBracketed(d)
	s = n.dropHanForms(s)
	s = n.dropLatinForms(s)
	s = compact(s)
	s = n.dropLeadingRegions(s)
	if s == "" {
		return compact(d), true
	}
	return s, false
}

// dropBracketed removes bracketed parts that hold only a region or a
// legal form: 华信科技（北京）有限公司, 华信（集团）有限公司. Other
// bracketed text stays, without its brackets (after compact).
func (n *Namer) dropBracketed(s string) string {
	if !strings.Contains(s, "（") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.Index(s, "（")
		if open < 0 {
			break
		}
		end := strings.Index(s[open:], "）")
		if end < 0 {
			break
		}
		inner := compact(s[open+len("（") : open+end])
		b.WriteString(s[:open])
		if !n.regions[inner] && !contains(n.hanForms, inner) && inner != "" && inner != "中国" {
			b.WriteString(s[open : open+end+len("）")])
		}
		s = s[open+end+len("）"):]
	}
	b.WriteString(s)
	return b.String()
}

// dropHanForms removes Han legal forms wherever they stand, except inside
// a branch word (公司 in 分公司).
func (n *Namer) dropHanForms(s string) string {
	s, _ = n.cutHanForms(s)
	return s
}

// cutHanForms is dropHanForms; formless says that no Han legal form occurs
// in what is left (false: one may, inside a branch word).
func (n *Namer) cutHanForms(s string) (rest string, formless bool) {
	at, form := n.hanFormIx.leftmost(s)
	if at < 0 {
		return s, true // most person names
	}
	return n.cutHanFormsFrom(s, at, form)
}

// cutHanFormsFrom is cutHanForms for an s in which the first form, the
// longest at its place, is form at s[at:].
func (n *Namer) cutHanFormsFrom(s string, at int, form string) (rest string, formless bool) {
	// The usual company name ends in its one legal form. When the first
	// form ends s and is not part of a branch word, the passes below
	// remove just that form: no longer form can occur (it would have to
	// start before, or be, this one), and the shorter ones, like all
	// forms, occur in s only from here on.
	if at+len(form) == len(s) && !n.inBranch(s, at, len(s)) {
		return s[:at], true
	}
	// Removing a form only removes runes, so the runes of s as given stay
	// a superset of what s holds later: a form with a rune outside them
	// cannot occur and is not searched for.
	present := runeMask(s)
	for changed := true; changed; {
		changed = false
		for i, f := range n.hanForms {
			if n.hanFormMasks[i]&^present != 0 {
				continue
			}
			from := 0
			for {
				i := strings.Index(s[from:], f)
				if i < 0 {
					break
				}
				i += from
				if n.inBranch(s, i, i+len(f)) {
					from = i + len(f)
					continue
				}
				s = s[:i] + s[i+len(f):]
				changed = true
				from = i
			}
		}
		if changed && !n.mayHoldHanForm(s) {
			return s, true // the usual company name: its one form is gone, another pass would find none
		}
	}
	return s, false
}

// mayHoldHanForm reports whether a Han legal form occurs in s.
func (n *Namer) mayHoldHanForm(s string) bool { return n.hanFormIx.in(s) }

// inBranch reports whether s[i:j] lies inside an occurrence of a branch word.
func (n *Namer) inBranch(s string, i, j int) bool {
	for _, w := range n.branches {
		if len(w) < j-i {
			return false // this and the words after it, shorter, cannot hold s[i:j]
		}
		lo := max(0, j-len(w))
		for k := lo; k <= i && k+len(w) <= len(s); k++ {
			if s[k:k+len(w)] == w {
				return true
			}
		}
	}
	return false
}

// dropLatinForms removes latin legal forms at the end of the name, compared
// word by word so punctuation and spacing do not matter ("Co.,Ltd",
// "co ltd", "CO., LTD.").
func (n *Namer) dropLatinForms(s string) string {
	if len(n.latinForms) == 0 || !mayHaveLatin(s) {
		return s
	}
	return n.cutLatinForms(s)
}

// cutLatinForms is dropLatinForms without its filter.
func (n *Namer) cutLatinForms(s string) string {
	for {
		ends := latinWordEnds(s)
		cut := -1
		for _, form := range n.latinForms {
			if len(form) > len(ends) {
				continue
			}
			tail := ends[len(ends)-len(form):]
			ok := true
			for i, w := range form {
				if s[tail[i][0]:tail[i][1]] != w {
					ok = false
					break
				}
			}
			// The form must end the name (nothing but punctuation after it).
			if ok && compact(s[tail[len(tail)-1][1]:]) == "" {
				cut = tail[0][0]
				break
			}
		}
		if cut <= 0 { // nothing found, or the form is the whole name
			return s
		}
		s = strings.TrimRight(s[:cut], " ,.&-")
	}
}

// mayHaveLatin reports whether s may hold a rune isLatinWordRune accepts:
// an ASCII letter or digit, or a lead byte of U+00C0–U+027F. Without one,
// latinWordEnds finds no word.
func mayHaveLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || 0xC3 <= c && c <= 0xC9 {
			return true
		}
	}
	return false
}

// runeMask sets one of 64 bits for each rune of s: a set that a word whose
// mask has a bit outside it cannot occur in.
func runeMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); {
		if text.HanAt(s, i) {
			m |= runeBit(han(s, i))
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		m |= runeBit(r)
		i += size
	}
	return m
}

func runeBit(r rune) uint64 { return 1 << (uint32(r) * 0x9E3779B1 >> 26) }

// latinWordEnds gives the byte ranges of the latin words in s.
func latinWordEnds(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if isLatinWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// dropLeadingRegions removes region names at the start of a compacted key
// while what is left is still a distinctive name: not a company, trade or
// branch word alone (无锡市保险 keeps 无锡, written short: 无锡保险), and not
// a brand that is also a short place name (东方航空, 阿里巴巴). A county
// named like its city goes whole (南昌县华信商行 → 华信商行, not 县华信商行).
// Regions before a branch word are written short (北京市分行 → 北京分行).
func (n *Namer) dropLeadingRegions(s string) string {
	for {
		first, _ := text.DecodeRune(s, 0)
		if !n.regionStart.has(first) {
			return n.shortBranchRegions(s) // no region starts with first: most keys
		}
		cut := n.leadingRegion(first, s)
		if cut == 0 || n.brandLike[s[:cut]] {
			return n.shortBranchRegions(s)
		}
		if !n.substantial(s[cut:]) {
			return n.shortBranchRegions(n.shortRegion(s[:cut]) + s[cut:])
		}
		s = s[cut:]
	}
}

// shortRegion returns a full region name written short when that is a
// region too (无锡市 → 无锡), else the name.
func (n *Namer) shortRegion(r string) string {
	for _, suf := range [...]string{"市", "省"} {
		if short, ok := strings.CutSuffix(r, suf); ok && n.regions[short] && utf8.RuneCountInString(short) >= 2 {
			return short
		}
	}
	return r
}

// shortBranchRegions writes a full region right before a branch word, or
// a few characters before one, short: 招商银行北京市分行 → 招商银行北京分行,
// 中国银行宁波市鄞州支行 → 中国银行宁波鄞州支行, as they are written too.
func (n *Namer) shortBranchRegions(s string) string {
	i := strings.Index(s, "市")
	if i < 0 {
		return s // most keys
	}
	for ; i >= 0; i = nextIndex(s, "市", i) {
		rest := s[i+len("市"):]
		if !n.branchWithin(rest, 4) {
			continue
		}
		for l := 2; l <= 4; l++ {
			start := startOfRunes(s, i, l)
			if start < 0 {
				break
			}
			if n.regions[s[start:i+len("市")]] && n.regions[s[start:i]] {
				s = s[:i] + rest
				break
			}
		}
	}
	return s
}

// branchWithin reports whether a branch word starts s or one of its next
// runes up to l: 宁波市分行, and 宁波市鄞州支行 as 宁波鄞州支行 is written too.
func (n *Namer) branchWithin(s string, l int) bool {
	for i, runes := 0, 0; runes <= l && i < len(s); runes++ {
		if n.startsBranch(s[i:]) {
			return true
		}
		_, size := text.DecodeRune(s, i)
		i += size
	}
	return false
}

// startsBranch reports whether s starts with a branch word.
func (n *Namer) startsBranch(s string) bool {
	for _, w := range n.branches {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// nextIndex returns the index of sub in s after the one at i, or -1.
func nextIndex(s, sub string, i int) int {
	j := strings.Index(s[i+len(sub):], sub)
	if j < 0 {
		return -1
	}
	return i + len(sub) + j
}

// startOfRunes returns the byte offset l runes before end in s, or -1.
func startOfRunes(s string, end, l int) int {
	for ; l > 0; l-- {
		if end <= 0 {
			return -1
		}
		_, size := utf8.DecodeLastRuneInString(s[:end])
		end -= size
	}
	return end
}

// leadingRegion returns the byte length of the region of most runes that
// s starts with, or 0; first is the first rune of s.
func (n *Namer) leadingRegion(first rune, s string) int {
	starts := n.regionFirst[first]
	if len(starts.lens) == 0 {
		return 0
	}
	// The ends of the first runes of s, found once for all the lengths.
	var ends [16]int
	if starts.lens[0] >= len(ends) {
		return leadingRegionByRunes(n, starts.lens, s)
	}
	runes := 0
	for i := 0; i < len(s) && runes < starts.lens[0]; {
		r, size := text.DecodeRune(s, i)
		if runes == 1 && runeBit(r)&starts.second == 0 {
			return 0 // no region starting with first goes on with this rune
		}
		i += size
		runes++
		ends[runes] = i
	}
	for _, l := range starts.lens {
		if l <= runes && n.regions[s[:ends[l]]] {
			return ends[l]
		}
	}
	return 0
}

// leadingRegionByRunes is leadingRegion for regions of many runes.
func leadingRegionByRunes(n *Namer, lens []int, s string) int {
	for _, l := range lens {
		p := prefixRunes(s, l)
		if p > 0 && n.regions[s[:p]] {
			return p
		}
	}
	return 0
}

// substantial reports whether rest names something without the region
// before it: it must not start with a company word (北京大学, 中山大学附属
// 医院, 长沙银行 are named by their region) and must keep two characters once
// company words, legal forms and branch words are set aside (华信科技 does).
func (n *Namer) substantial(rest string) bool {
	return n.startIx.at(rest) == "" && n.neutralIx.countOutside(rest, 2) >= 2
}

// prefixRunes returns the byte length of the first l runes of s, or 0 when
// s is shorter.
func prefixRunes(s string, l int) int {
	i := 0
	for range l {
		if i >= len(s) {
			return 0
		}
		if text.HanAt(s, i) {
			i += 3
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
