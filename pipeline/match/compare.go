package match

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
)

// Fields compared, in pattern order.
const (
	fName = iota
	fContact
	fMobile
	fLine
	fEmail
	fAddress
	fUSCC
	nFields
)

var fieldNames = [nFields]string{"name", "contact", "mobile", "landline", "email", "address", "uscc"}

// Outcome levels of a field.
const (
	agree = iota
	near
	fuzzy
	disagree
	missing
	nLevels
)

var levelNames = [nLevels]string{"agree", "near", "fuzzy", "disagree", "missing"}

// Branch relations, outside the Fellegi-Sunter fields: a fixed penalty.
const (
	branchNone      = iota // neither is a branch, or the same branch
	branchOne              // one is a branch, the other is not
	branchDifferent        // two different branches: a hard conflict
)

// Pattern layout: 3 bits per field, then the kind and branch bits.
const (
	companyBit  = 1 << 24
	branchShift = 25
)

// outcome is the comparison of one candidate pair: the outcome pattern
// and the sum of term-frequency adjustments, in bits.
type outcome struct {
	pat uint32
	adj float32
}

func level(pat uint32, f int) int { return int(pat>>(3*f)) & 7 }
func branchOf3(pat uint32) int    { return int(pat>>branchShift) & 3 }

// Term-frequency adjustment bounds per field, in bits.
var tfBounds = [nFields][2]float64{
	fName:    {-2.5, 3},
	fContact: {-3, 2},
	fMobile:  {-6, 0.5},
	fLine:    {-6, 0.5},
	fEmail:   {-6, 0.5},
}

// compareAll compares every candidate pair across workers.
func compareAll(ctx context.Context, fs *features, pairs []uint64, workers int) ([]outcome, error) {
	out := make([]outcome, len(pairs))
	g, gctx := errgroup.WithContext(ctx)
	chunk := max(4096, (len(pairs)+workers*8-1)/(workers*8))
	next := make(chan int)
	go func() {
		defer close(next)
		for lo := 0; lo < len(pairs); lo += chunk {
			select {
			case next <- lo:
			case <-gctx.Done():
				return
			}
		}
	}()
	for range workers {
		g.Go(func() error {
			for lo := range next {
				if err := gctx.Err(); err != nil {
					return err
				}
				for k := lo; k < min(len(pairs), lo+chunk); k++ {
					p := pairs[k]
					out[k] = compare(&fs.f[p>>32], &fs.f[uint32(p)], &fs.tf)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, ctx.Err()
}

// compare compares two records field by field. It does not allocate
// (except when matching a romanized name against a Han one).
//
// Beyond the fields' own levels, it applies what the run learnt about
// numbers (see numbers.go): agreeing on a number several customers share
// is no evidence for two rows whose names are not variants of each other
// (the number is then missing for the pair), and a company's contact
// agreeing along with such a number is evidence about the contact, not
// about the companies. A title-only name (陈先生) is a variant of a full
// name of its surname only when no two persons of that surname share the
// number the pair agrees on. Company names one character apart that agree
// on a landline several customers share are two companies of a group on
// its switchboard: the landline is then missing for the pair.
func compare(a, b *feat, tf *tfScale) outcome {
	var pat uint32
	var adj float64
	put := func(f, lv int, x float64) {
		pat |= uint32(lv) << (3 * f)
		adj += x
	}
	v := compareFields(a, b)
	put(fName, v.name, nameAdj(v.name, &a.name, &b.name, tf.name, tf.py, tfBounds[fName]))
	put(fContact, v.contact, nameAdj(v.contact, &a.contact, &b.contact, tf.contact, tf.py, tfBounds[fContact]))
	put(fMobile, v.mobile.lv, agreeAdj(v.mobile.lv, v.mobile.freq, tf.mobile, tfBounds[fMobile]))
	put(fLine, v.line.lv, agreeAdj(v.line.lv, v.line.freq, tf.line, tfBounds[fLine]))
	lv, freq, _ := compareEmails(a.emails, b.emails)
	put(fEmail, lv, agreeAdj(lv, freq, tf.email, tfBounds[fEmail]))
	put(fAddress, addressLevel(a, b, nil), 0)
	put(fUSCC, compareUSCC(a, b), 0)
	if a.company || b.company {
		pat |= companyBit
	}
	pat |= uint32(compareBranch(a, b)) << branchShift
	return outcome{pat: pat, adj: float32(adj)}
}

// fieldLevels are the levels of the name, contact and phone fields of a
// pair, with how the names compared, after the numbers' judgements.
type fieldLevels struct {
	name, nameHow       int
	contact, contactHow int
	mobile, line        phoneMatch
	// neutral marks numbers (and a contact) left out as no evidence: a
	// shared number of two different names.
	neutral bool
}

// compareFields compares the names, contacts and phones of a pair.
func compareFields(a, b *feat) fieldLevels {
	var v fieldLevels
	if a.company || b.company {
		v.name, v.nameHow = compareNames(&a.name, &b.name, a.company && b.company)
	} else {
		v.name, v.nameHow = comparePersons(&a.name, &b.name)
	}
	v.contact, v.contactHow = comparePersons(&a.contact, &b.contact)
	v.mobile = comparePhonesOf(a.mobiles, b.mobiles, a.mobileH, b.mobileH)
	// A mobile a digit short is worth reading only when the names are
	// alike: with different names it would not merge them anyway.
	if v.mobile.lv != agree && v.name != disagree && (len(a.short) > 0 || len(b.short) > 0) {
		if m := nearMobile(a, b); m != nil {
			v.mobile = phoneMatch{lv: near, freq: m.freq, shared: m.shared, ambiguous: m.ambiguous}
		}
	}
	v.line = comparePhonesOf(a.lines, b.lines, a.lineH, b.lineH)
	switch {
	case v.nameHow == howTitle && (v.mobile.ambiguous || v.line.ambiguous):
		v.name = disagree // 陈先生 could be either 陈 sharing the number
	case v.nameHow == howHeteronym && (v.mobile.shared || v.line.shared):
		// 刘可熙 and 刘可奕 on a household's number are siblings: a typo
		// would have been typed in the name's usual reading.
		v.name = disagree
	case v.nameHow == howOneChar && v.line.lv == agree && v.line.shared:
		// 腾银电子 and 腾银电气 on a landline several customers share are
		// far more often two companies of a group on its switchboard
		// than one company mistyped: the switchboard is no evidence
		// between them; their contacts and mobiles still are.
		v.line = phoneMatch{lv: missing}
		v.neutral = true
	}
	if variants(v.name, v.nameHow) {
		return v
	}
	for _, m := range []*phoneMatch{&v.mobile, &v.line} {
		if m.lv == agree && m.shared {
			*m = phoneMatch{lv: missing}
			v.neutral = true
		}
	}
	if v.neutral && a.company && b.company && v.contact != disagree && v.contact != missing {
		v.contact = missing
	}
	return v
}

// variants reports names that are forms of one name: the same, read
// alike (a homophone, a fuzzy-pinyin confusion, a romanization), one
// character apart in a company name, or a title-only form. A company name
// that merely starts with the other (顺泓 / 顺泓建材: an abbreviation, or a
// group written without 集团 beside a company of it) and initials are
// alike but not variants: a number they share is no evidence between
// them. A group's name and a name it starts (顺泓集团 / 顺泓建材) disagree.
func variants(lv, how int) bool {
	switch lv {
	case agree, near:
		return true
	case fuzzy:
		return how != howContains && how != howInitials
	}
	return false
}

// nearMobile returns the mobile of one side that a mobile written one
// digit short on the other is, with that digit dropped; nil if none.
func nearMobile(a, b *feat) *value {
	for _, pair := range [2][2]*feat{{a, b}, {b, a}} {
		for _, s := range pair[0].short {
			for k, m := range pair[1].mobiles {
				if dropsOne(strings.TrimPrefix(m.s, "+86"), s) {
					return &pair[1].mobiles[k]
				}
			}
		}
	}
	return nil
}

// dropsOne reports whether short is long with one character left out.
func dropsOne(long, short string) bool {
	if len(long) != len(short)+1 {
		return false
	}
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}

func nameAdj(lv int, a, b *nameFeat, byKey, byPy tfField, bounds [2]float64) float64 {
	switch lv {
	case agree:
		return byKey.adj(max(a.freq, b.freq), bounds[0], bounds[1])
	case near:
		return byPy.adj(max(a.pyFreq, b.pyFreq), bounds[0], min(bounds[1], 1))
	}
	return 0
}

func agreeAdj(lv int, freq int32, t tfField, bounds [2]float64) float64 {
	if lv != agree {
		return 0
	}
	return t.adj(freq, bounds[0], bounds[1])
}

// How two names were found alike, for evidence.
const (
	howNone = iota
	howSame
	howPinyin      // same pinyin, some reading of each character (homophone, polyphone)
	howRomanized   // a romanized name spells the other's pinyin, either order
	howFuzzyPinyin // z/zh, n/l, an/ang … confusions
	howInitials    // one is the other's pinyin initials
	howContains    // one company name starts with the other
	howOneChar     // one character differs
	howTitle       // a surname with a title (李经理) and a full name of that surname
	// howHeteronym: two persons' names read alike only through a
	// character's less common reading (郭汐柏 read bo, 郭汐博): a typo,
	// or a sibling.
	howHeteronym
	// howGroup: a group's name (昌顺集团) and a longer one it starts
	// (昌顺食品, 昌顺食品集团): the group and one of its member companies.
	howGroup
)

// titles follow a surname in a contact written as a form of address.
var titles = []string{"先生", "女士", "小姐", "经理", "老师", "总监", "总", "主任", "老板", "会计", "主管", "工", "师傅", "部长", "科长", "处长", "厂长", "店长", "姐", "哥"}

// isTitled reports a contact written as surname and title (李经理, 王总).
func isTitled(key string) bool {
	_, n := utf8.DecodeRuneInString(key)
	if n == 0 || n == len(key) {
		return false
	}
	for _, t := range titles {
		if key[n:] == t {
			return true
		}
	}
	return false
}

// comparePersons grades two persons' names like compareNames, and takes a
// surname with a title (李经理) as fuzzily alike any name of that surname.
func comparePersons(a, b *nameFeat) (lv, how int) {
	lv, how = compareNames(a, b, false)
	if lv != disagree || !(a.titled || b.titled) {
		return lv, how
	}
	ra, _ := utf8.DecodeRuneInString(a.key)
	rb, _ := utf8.DecodeRuneInString(b.key)
	if ra == rb {
		return fuzzy, howTitle
	}
	return lv, how
}

// compareNames grades two names. Companies also accept an abbreviation
// that is the start of the other name, and one character differing in a
// name of three or more; two persons' names differing in a character that
// is not read alike are different people (马泽洋, 马泽宇).
func compareNames(a, b *nameFeat, companies bool) (lv, how int) {
	switch {
	case a.key == "" || b.key == "":
		return missing, howNone
	case sameKey(a, b):
		return agree, howSame
	case a.roman != nil && b.roman != nil:
		if sameSyllables(a.roman, b.roman, true) {
			return near, howRomanized
		}
		if sameSyllables(a.roman, b.roman, false) {
			return fuzzy, howFuzzyPinyin
		}
	case a.roman != nil || b.roman != nil:
		h, r := a, b
		if h.roman != nil {
			h, r = b, a
		}
		if len(h.units) > 0 {
			exact, fz := pinyin.Match(h.units, r.roman)
			if exact {
				return near, howRomanized
			}
			if fz {
				return fuzzy, howFuzzyPinyin
			}
		}
	default:
		if len(a.units) == len(b.units) && len(a.units) > 0 {
			// Only one differing unit in a name of three or more matters:
			// the comparison stops at the first that rules it out.
			stop := 2
			if len(a.units) < 3 {
				stop = 1
			}
			exact, fz, diff := unitsAlike(a.units, b.units, stop)
			switch {
			case exact && !companies && !primaryAlike(a.units, b.units):
				return near, howHeteronym
			case exact:
				return near, howPinyin
			case fz:
				return fuzzy, howFuzzyPinyin
			case diff == 1 && len(a.units) >= 3 && companies && oneUnitApart(a.units, b.units):
				return fuzzy, howOneChar
			}
		}
	}
	if isInitials(a, b) || isInitials(b, a) {
		return fuzzy, howInitials
	}
	if !companies {
		return disagree, howNone
	}
	// A company name that starts another is an abbreviation of it (华信 /
	// 华信科技: the trade word left out) unless it names a group (昌顺集团):
	// the other, 昌顺食品 or 昌顺食品集团, is then a company of that group,
	// a customer of its own.
	switch short := prefixOf(a, b); {
	case short == nil:
		return disagree, howNone
	case short.group:
		return disagree, howGroup
	}
	return fuzzy, howContains
}

// prefixOf returns the one of two names the other starts with (see
// startsWith), nil when neither does.
func prefixOf(a, b *nameFeat) *nameFeat {
	switch {
	case startsWith(b.key, a.key):
		return a
	case startsWith(a.key, b.key):
		return b
	}
	return nil
}

// sameKey reports whether two non-empty names have the same key: by their
// numbers when both have one, else by hash and then text.
func sameKey(a, b *nameFeat) bool {
	if a.keyID != 0 && b.keyID != 0 {
		return a.keyID == b.keyID
	}
	return a.keyH == b.keyH && a.key == b.key // different hashes spare reading the keys
}

// unitsAlike compares two names unit by unit: exact when every unit
// shares a reading, fuzzy when every unit has readings alike under the
// fuzzy-pinyin confusions; diff counts the units with no reading alike,
// up to stop, where the comparison ends (neither exact nor fuzzy then).
func unitsAlike(a, b [][]string, stop int) (exact, fz bool, diff int) {
	exact, fz = true, true
	for i := range a {
		e, f := readingsAlike(a[i], b[i])
		exact = exact && e
		fz = fz && f
		if !f {
			if diff++; diff >= stop {
				return false, false, diff
			}
		}
	}
	return exact, fz, diff
}

// oneUnitApart reports whether all units of two names but one have the
// same usual (first) reading: one character differs (恒源物流 / 恒达物流),
// and no other is merely read alike, fuzzily or through a rare reading
// (协豪电子 / 协豪纺织 differ in 电/纺 and again in 子/织, zi/zhi; 翔顺食品 /
// 翔顺印刷 in 品/刷 and in 食/印, both read yi at a stretch): another word,
// not a typo.
func oneUnitApart(a, b [][]string) bool {
	apart := 0
	for i := range a {
		if len(a[i]) == 0 || len(b[i]) == 0 || a[i][0] != b[i][0] {
			apart++
		}
	}
	return apart == 1
}

// primaryAlike reports whether every unit of two names has the same
// first (most common) reading.
func primaryAlike(a, b [][]string) bool {
	for i := range a {
		if len(a[i]) == 0 || len(b[i]) == 0 || a[i][0] != b[i][0] {
			return false
		}
	}
	return true
}

func readingsAlike(a, b []string) (exact, fz bool) {
	for _, x := range a {
		for _, y := range b {
			e, f := pinyin.SyllableSimilar(x, y)
			if e {
				return true, true
			}
			fz = fz || f
		}
	}
	return false, fz
}

// sameSyllables compares two romanized names in written or swapped
// order, exactly or under the fuzzy confusions.
func sameSyllables(a, b []string, exact bool) bool {
	if len(a) != len(b) {
		return false
	}
	alike := func(x, y string) bool {
		e, f := pinyin.SyllableSimilar(x, y)
		if exact {
			return e
		}
		return f
	}
	straight := true
	for i := range a {
		if !alike(a[i], b[i]) {
			straight = false
			break
		}
	}
	if straight || len(a) < 2 {
		return straight
	}
	// "Wei Zhang" against "Zhang Wei": the last syllable moved to the front.
	n := len(b)
	if !alike(a[0], b[n-1]) {
		return false
	}
	for i := 1; i < len(a); i++ {
		if !alike(a[i], b[i-1]) {
			return false
		}
	}
	return true
}

// isInitials reports whether abbr, written in latin letters, is the
// pinyin initials of full ("hxkj" for 华信科技).
func isInitials(abbr, full *nameFeat) bool {
	if len(abbr.key) < 2 || len(full.initial) != len(abbr.key) || hasHanUnits(abbr.units) {
		return false
	}
	return abbr.key == full.initial && full.key != full.initial
}

func hasHanUnits(units [][]string) bool {
	for _, u := range units {
		if len(u) > 0 && len(u[0]) > 1 {
			return true
		}
	}
	return false
}

// startsWith reports whether long starts with short, short having at
// least two characters.
func startsWith(long, short string) bool {
	return len(long) > len(short) && strings.HasPrefix(long, short) && utf8.RuneCountInString(short) >= 2
}

// phoneMatch is how two records' numbers of one kind compare.
type phoneMatch struct {
	lv   int
	freq int32 // of the agreeing number (the least frequent of them)
	// shared: every number the two agree on is one several customers
	// share (see numbers.go); ambiguous: one of them is a household's
	// where two persons of one surname carry it.
	shared, ambiguous bool
}

// comparePhones reports agree when a number is in both lists (with the
// smallest frequency among them), disagree when both have numbers but
// none in common, and missing when either has none, or none but numbers
// several customers share (see numbers.go).
func comparePhones(a, b []value) phoneMatch {
	if len(a) == 0 || len(b) == 0 {
		return phoneMatch{lv: missing}
	}
	m := phoneMatch{lv: disagree, shared: true}
	ownA, ownB := false, false
	for _, y := range b {
		ownB = ownB || !y.shared
	}
	for _, x := range a {
		ownA = ownA || !x.shared
		for _, y := range b {
			if x.h == y.h && x.s == y.s {
				if m.freq == 0 || x.freq < m.freq {
					m.freq = max(1, x.freq)
				}
				m.lv = agree
				m.shared = m.shared && x.shared
				m.ambiguous = m.ambiguous || x.ambiguous
			}
		}
	}
	if m.lv != agree {
		if !ownA || !ownB {
			// A number several customers share says nothing about which
			// other number is the customer's own.
			return phoneMatch{lv: missing}
		}
		return phoneMatch{lv: disagree}
	}
	return m
}

// comparePhonesOf is comparePhones given also each side's only number's
// hash (feat.singles: 0 unless it has exactly one, not shared): two
// different single numbers disagree without reading either list.
func comparePhonesOf(a, b []value, ha, hb uint64) phoneMatch {
	if ha != 0 && hb != 0 && ha != hb {
		return phoneMatch{lv: disagree}
	}
	return comparePhones(a, b)
}

// compareEmails: agree on a shared address, near on a shared company
// (not free-mail) domain, disagree otherwise.
func compareEmails(a, b []email) (lv int, freq int32, shared string) {
	if len(a) == 0 || len(b) == 0 {
		return missing, 0, ""
	}
	lv = disagree
	for _, x := range a {
		for _, y := range b {
			switch {
			case x.h == y.h && x.addr == y.addr: // different hashes spare reading the addresses
				if freq == 0 || x.freq < freq {
					freq, shared = max(1, x.freq), x.addr
				}
			case lv == disagree && !x.free && x.domain == y.domain:
				lv, shared = near, x.domain
			}
		}
	}
	if freq > 0 {
		return agree, freq, shared
	}
	return lv, 0, shared
}

// compareAddress grades two addresses: agree for the same district (or
// city, when a district is unknown) with the same detail; near for the same
// district with a similar or unknown detail; fuzzy for the same city
// otherwise; disagree for different cities or provinces; missing when the
// city of either is unknown (unless the details are the same). detail is
// the details' similarity, -1 when either is unknown.
func compareAddress(a, b *feat) (lv int, detail float64) {
	detail = -1
	if len(a.bigrams) > 0 && len(b.bigrams) > 0 {
		detail = dice(a.bigrams, b.bigrams)
	}
	return addressLevel(a, b, &detail), detail
}

// addressLevel is compareAddress's level. The details are compared only
// when the level depends on them: detail, when not nil, is their
// similarity (-1 for unknown) already computed.
func addressLevel(a, b *feat, detail *float64) int {
	known := len(a.bigrams) > 0 && len(b.bigrams) > 0
	// same and similar compare the details at most once, and not at all
	// when their sizes alone rule the threshold out.
	sim := -2.0
	reaches := func(threshold float64) bool {
		if !known {
			return false
		}
		if sim == -2 {
			switch {
			case detail != nil:
				sim = *detail
			case diceBound(len(a.bigrams), len(b.bigrams)) < threshold:
				return false
			default:
				sim = dice(a.bigrams, b.bigrams)
			}
		}
		return sim >= threshold
	}
	same := func() bool { return reaches(sameDetail) }
	similar := func() bool { return reaches(similarDetail) }
	city, district := unknown, unknown
	if a.adcode != "" && b.adcode != "" {
		if a.adcode[:2] != b.adcode[:2] {
			return disagree
		}
		la, lb := adLevel(a.adcode), adLevel(b.adcode)
		switch {
		case isMunicipality(a.adcode):
			city = equal
		case min(la, lb) >= 4:
			city = eq(a.adcode[:4], b.adcode[:4])
		}
		if min(la, lb) == 6 {
			district = eq(a.adcode, b.adcode)
		}
	} else {
		if a.province != "" && b.province != "" && a.province != b.province {
			return disagree
		}
		city = eq(a.city, b.city)
		if city == equal {
			district = eq(a.district, b.district)
		}
	}
	switch {
	case city == differ:
		return disagree
	case city == unknown && same():
		return near
	case city == unknown:
		return missing
	case district != differ && same():
		return agree
	case district == equal && (!known || similar()):
		return near
	case district == unknown && similar():
		return near
	}
	return fuzzy
}

// Address-detail similarities (Dice on character bigrams).
const (
	sameDetail    = 0.85
	similarDetail = 0.6
)

// Comparison of a location part that may be unknown on either side.
const (
	unknown = iota
	equal
	differ
)

func eq(a, b string) int {
	switch {
	case a == "" || b == "":
		return unknown
	case a == b:
		return equal
	}
	return differ
}

// adLevel is the precision of an adcode: 2 for a province, 4 for a
// city, 6 for a district.
func adLevel(code string) int {
	switch {
	case code[2:] == "0000":
		return 2
	case code[4:] == "00":
		return 4
	}
	return 6
}

// isMunicipality reports a province-level city (北京, 天津, 上海, 重庆),
// whose adcodes differ in the city digits between urban districts and counties.
func isMunicipality(adcode string) bool {
	switch adcode[:2] {
	case "11", "12", "31", "50":
		return true
	}
	return false
}

// diceBound is the largest Dice coefficient of two sets of sizes m and n,
// reached when the smaller is inside the larger. It errs upwards by
// rounding, never below dice's own result.
func diceBound(m, n int) float64 {
	return 2*float64(min(m, n))/float64(m+n) + 1e-9
}

// dice is the Dice coefficient of two sorted bigram sets.
func dice(a, b []uint32) float64 {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

func compareUSCC(a, b *feat) int {
	switch {
	case a.uscc == "" || b.uscc == "":
		return missing
	case a.usccH == b.usccH && a.uscc == b.uscc: // different hashes spare reading the codes
		return agree
	}
	return disagree
}

func compareBranch(a, b *feat) int {
	switch {
	case !a.company || !b.company || a.branch == b.branch:
		return branchNone
	case a.branch != "" && b.branch != "":
		return branchDifferent
	}
	return branchOne
}

// explain renders a compared pair's evidence field by field.
func explain(a, b *feat, o outcome, w *weights) []Evidence {
	var ex explainer
	return ex.explain(a, b, o, w)
}

// explainer renders evidence into slices cut from a shared array, which
// spares an allocation per pair and the room a pair's evidence does not
// fill. One per goroutine.
type explainer struct {
	arena []Evidence
}

// evidenceChunk is the number of evidence items an explainer allocates at
// a time.
const evidenceChunk = 4096

// explain is explain, cut from the explainer's array.
func (x *explainer) explain(a, b *feat, o outcome, w *weights) []Evidence {
	if cap(x.arena)-len(x.arena) < nFields+1 {
		x.arena = make([]Evidence, 0, evidenceChunk)
	}
	start, room := len(x.arena), cap(x.arena)-len(x.arena)
	ev := x.render(x.arena[start:start:cap(x.arena)], a, b, o, w)
	if cap(ev) == room { // still in the array (render adds at most nFields+1)
		x.arena = x.arena[:start+len(ev)]
	}
	return ev[:len(ev):len(ev)]
}

// render appends a compared pair's evidence to ev.
func (*explainer) render(ev []Evidence, a, b *feat, o outcome, w *weights) []Evidence {
	k := kindOf(o.pat)
	add := func(f int, detail msg.Msg, adj float64) {
		lv := level(o.pat, f)
		ev = append(ev, withDetail(Evidence{Field: fieldNames[f], Outcome: levelNames[lv], Weight: round1(w.w[k][f][lv] + adj)}, detail))
	}
	v := compareFields(a, b)
	add(fName, nameDetail(&a.name, &b.name, v.name, v.nameHow), nameAdj(v.name, &a.name, &b.name, w.tf.name, w.tf.py, tfBounds[fName]))
	// A missing field shows when it weighs anything, or when a number or
	// contact was left out as no evidence.
	show := func(f, lv int) bool { return lv != missing || w.w[k][f][lv] <= -0.05 || w.w[k][f][lv] >= 0.05 }
	if show(fContact, v.contact) || v.neutral && a.contact.key != "" && b.contact.key != "" {
		d := nameDetail(&a.contact, &b.contact, v.contact, v.contactHow)
		if v.contact == missing && v.neutral && a.contact.key != "" && b.contact.key != "" {
			d = msg.New("ev.contact_neutral", nameText(&a.contact))
		}
		add(fContact, d, nameAdj(v.contact, &a.contact, &b.contact, w.tf.contact, w.tf.py, tfBounds[fContact]))
	}
	add(fMobile, phoneDetail(a.mobiles, b.mobiles, a, b, v.mobile, "mobile"), agreeAdj(v.mobile.lv, v.mobile.freq, w.tf.mobile, tfBounds[fMobile]))
	if show(fLine, v.line.lv) || v.neutral {
		add(fLine, phoneDetail(a.lines, b.lines, a, b, v.line, "number"), agreeAdj(v.line.lv, v.line.freq, w.tf.line, tfBounds[fLine]))
	}
	lv, freq, shared := compareEmails(a.emails, b.emails)
	if show(fEmail, lv) {
		var d msg.Msg
		switch lv {
		case agree:
			id := msg.ID("ev.same_mailbox")
			if i := strings.LastIndexByte(shared, '@'); i >= 0 && a.isFree(shared[i+1:]) {
				id = "ev.same_freemail"
			}
			d = msg.New(id, shared)
			if freq > 1 {
				d = msg.New(id+"_used", shared, strconv.Itoa(int(freq)))
			}
		case near:
			d = msg.New("ev.same_domain", shared)
		}
		add(fEmail, d, agreeAdj(lv, freq, w.tf.email, tfBounds[fEmail]))
	}
	lv, detail := compareAddress(a, b)
	add(fAddress, addressDetail(a, b, lv, detail), 0)
	if lv := level(o.pat, fUSCC); show(fUSCC, lv) {
		d := msg.New("ev.plain", a.uscc)
		switch lv {
		case missing:
			d = msg.Msg{}
		case disagree:
			d = msg.New("ev.differ", a.uscc, b.uscc)
		}
		add(fUSCC, d, 0)
	}
	switch branchOf3(o.pat) {
	case branchOne:
		ev = append(ev, withDetail(Evidence{Field: "branch", Outcome: levelNames[fuzzy], Weight: branchWeight[branchOne]}, msg.New("ev.branch", a.display, b.display)))
	case branchDifferent:
		ev = append(ev, withDetail(Evidence{Field: "branch", Outcome: levelNames[disagree], Weight: branchWeight[branchDifferent]}, msg.New("ev.differ", a.branch, b.branch)))
	}
	return ev
}

func (f *feat) isFree(domain string) bool {
	for _, e := range f.emails {
		if e.domain == domain {
			return e.free
		}
	}
	return false
}

func round1(x float64) float64 {
	if x < 0 {
		return -float64(int(-x*10+0.5)) / 10
	}
	return float64(int(x*10+0.5)) / 10
}

func nameText(n *nameFeat) string {
	if n.roman != nil {
		return strings.Join(n.roman, " ")
	}
	return n.key
}

// withDetail sets e's detail to m, rendered when it is shown (Evidence.Text).
func withDetail(e Evidence, m msg.Msg) Evidence {
	e.Msg = m
	return e
}

func nameDetail(a, b *nameFeat, lv, how int) msg.Msg {
	switch lv {
	case missing:
		return msg.Msg{}
	case agree:
		if a.freq > 1 {
			return msg.New("ev.name_records", a.key, strconv.Itoa(int(max(a.freq, b.freq))))
		}
		return msg.New("ev.plain", a.key)
	}
	x, y := nameText(a), nameText(b)
	switch how {
	case howPinyin:
		return msg.New("ev.same_pinyin", x, y, a.py)
	case howHeteronym:
		return msg.New("ev.heteronym", x, y)
	case howRomanized:
		return msg.New("ev.romanized", x, y)
	case howFuzzyPinyin:
		return msg.New("ev.similar_pinyin", x, y, a.py, b.py)
	case howInitials:
		return msg.New("ev.initials", x, y)
	case howContains:
		return msg.New("ev.contains", x, y)
	case howGroup:
		return msg.New("ev.group", x, y)
	case howOneChar:
		return msg.New("ev.one_char", x, y)
	case howTitle:
		return msg.New("ev.title", x, y)
	}
	return msg.New("ev.differ", x, y)
}

func phoneDetail(a, b []value, fa, fb *feat, m phoneMatch, what string) msg.Msg {
	switch m.lv {
	case agree:
		for _, x := range a {
			for _, y := range b {
				if x.s == y.s && max(1, x.freq) == m.freq {
					id := "ev.same_" + what
					if x.shared {
						id = "ev.same_shared_" + what
					}
					if m.freq > 1 {
						return msg.New(msg.ID(id+"_used"), x.s, strconv.Itoa(int(m.freq)))
					}
					return msg.New(msg.ID(id), x.s)
				}
			}
		}
	case near:
		for _, pair := range [2][2]*feat{{fa, fb}, {fb, fa}} {
			for _, s := range pair[0].short {
				for _, mob := range pair[1].mobiles {
					if dropsOne(strings.TrimPrefix(mob.s, "+86"), s) {
						return msg.New("ev.digit_missing", s, mob.s)
					}
				}
			}
		}
	case disagree:
		return msg.New("ev.differ", a[0].s, b[0].s)
	case missing:
		for _, x := range a {
			for _, y := range b {
				if x.s == y.s && x.shared {
					return msg.New("ev.shared_number", x.s)
				}
			}
		}
	}
	return msg.Msg{}
}

func addressDetail(a, b *feat, lv int, detail float64) msg.Msg {
	where := func(f *feat) string { return f.province + f.city + f.district }
	switch lv {
	case missing:
		return msg.Msg{}
	case disagree:
		return msg.New("ev.differ", where(a), where(b))
	}
	s := where(a)
	if a.adcode != "" && a.adcode == b.adcode {
		s += " (" + a.adcode + ")"
	}
	if detail >= 0 {
		return msg.New("ev.address_similar", s, strconv.FormatFloat(detail, 'f', 2, 64))
	}
	return msg.New("ev.plain", s)
}
