package address

import (
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
)

// mention is a division name found in a text.
//
// It is kept to one cache line (64 bytes): a scan holds sixteen, and
// every name read copies one.
type mention struct {
	cands  []candidate // what the name may refer to
	typo   string      // the text as written, when corrected
	name   string      // the name as written
	end    int32       // byte offset after the name
	lo, hi int8        // the levels its candidates may be taken at
	text   bool        // found in the address text, not a split column
}

// Bounds of a scan. No name has more than maxEnds candidates (TestData
// checks), so the ends never outgrow the array; reading stops after
// maxMentions names.
const (
	maxEnds     = 16
	maxMentions = 8
)

// scan is the state of reading region names: the divisions the names read
// so far may end at, and the names read. It lives on the stack: fixed
// arrays, no pointers into itself.
type scan struct {
	endArr   [maxEnds]*division
	nEnds    int
	mentArr  [2 * maxMentions]mention // columns, then the address text
	nMent    int
	end      int    // byte offset in the last text read after its last name
	conflict string // a full name that contradicted what came before
	old      bool   // a mention may be a former name: result looks for renames

	// Scratch of match, kept here so that a call does not clear a
	// kilobyte of stack each time: match writes every entry it reads.
	offs  [32]int
	runes [32]rune
	hs    [32]uint64
	keys  [32]int
	key   [128]byte
}

func (s *scan) reset() {
	s.endArr[0], s.nEnds, s.nMent, s.old = idx.root, 1, 0, false
}

func (s *scan) ends() []*division   { return s.endArr[:s.nEnds] }
func (s *scan) mentions() []mention { return s.mentArr[:s.nMent] }

func (s *scan) setEnds(ends []*division) {
	s.nEnds = copy(s.endArr[:], ends)
}

func (s *scan) addMention(m mention) {
	s.mentArr[s.nMent] = m
	s.nMent++
	s.old = s.old || hasOld(m.cands)
}

// hasOld reports whether one of the candidates of a name is a former name.
// addFormer indexes them after the current ones (TestData checks), so the
// last one tells.
func hasOld(cands []candidate) bool { return len(cands) > 0 && cands[len(cands)-1].old }

// run reads region names from the start of t, each one deeper than (or
// repeating) what was read before, and stops at the first text that is not
// one, or after a district.
//
// A name read in a split column of level cap is taken at that level when
// it can be (see levels): 河北 in a province column is 河北省, not 河北区.
func (s *scan) run(t string, fromText bool, cap int) {
	s.runFrom(t, 0, fromText, cap)
}

// runFrom is run on t[start:].
func (s *scan) runFrom(t string, start int, fromText bool, cap int) {
	s.end = 0
	pos := skipFiller(t, skipCountry(t, start))
	for read := 0; pos < len(t) && read < maxMentions; read++ {
		if s.deepest() == levelDistrict && (s.nEnds == 1 || !s.old) {
			break // several districts from a former name split: the rest may decide
		}
		m, ok, blocked := s.match(t, pos, cap)
		if !ok {
			if blocked {
				break // a name written as part of a street: 西湖路
			}
			if m, ok = s.typo(t, pos); !ok {
				break
			}
		}
		m.text = fromText
		s.addMention(m)
		s.end = int(m.end)
		pos = skipFiller(t, int(m.end))
	}
}

// runText reads the address text t: from its start, or, when no region
// name starts it, after a label or a short phrase that precedes one
// (地址：, 我家的地址是, 分店位于, null). The region must be read
// convincingly there: a full name or two names (北京市, 浙江杭州), or any
// after a label that names an address (地址：成都).
//
// A label after a name read at the start (清远总部：清远市清城区…) is read
// past the same way when what follows it lies within what was read and
// goes deeper.
func (s *scan) runText(t string) {
	s.run(t, true, anyLevel)
	if t == "" {
		return
	}
	if s.nMent > 0 {
		if s.deepest() < levelDistrict && labelAhead(t[s.end:]) {
			var try scan
			try.reset()
			if try.afterLabel(t, s.end) && try.deepest() > s.deepest() && try.within(s) {
				*s = try
			}
		}
		return
	}
	s.afterLabel(t, 0)
}

// afterLabel reads t after a label or short phrase that starts at from, and
// reports whether a region was read convincingly there.
func (s *scan) afterLabel(t string, from int) bool {
	n := 0
	for i, r := range t[from:] {
		if n++; n > maxLabel+1 || unicode.IsDigit(r) || strings.ContainsRune(streetRunes, r) {
			return false
		}
		if i == 0 || idx.lengthsOf(r) == 0 || !labelLike(t[from:from+i]) {
			continue
		}
		var try scan
		try.reset()
		try.runFrom(t, from+i, true, anyLevel)
		first := try.mentArr[0]
		convincing := try.nMent >= 2 || try.nMent == 1 && (!first.cands[0].short || try.deepest() == levelDistrict)
		if convincing || try.nMent == 1 && addressLabel(t[from:from+i]) {
			*s = try
			return true
		}
	}
	return false
}

// addressLabel reports whether a label says an address follows (地址：,
// 工作地点：): a short name after it is a place (销售部地址：成都高新区…).
func addressLabel(p string) bool {
	last, _ := utf8.DecodeLastRuneInString(p)
	return (last == '：' || last == ':') && (strings.Contains(p, "址") || strings.Contains(p, "地点"))
}

// labelAhead reports whether a colon follows within a label's length.
func labelAhead(rest string) bool {
	n := 0
	for _, r := range rest {
		if n++; n > maxLabel {
			return false
		}
		if r == '：' || r == ':' {
			return true
		}
	}
	return false
}

// within reports whether every division s ends at lies within one that o
// ends at.
func (s *scan) within(o *scan) bool {
	for _, e := range s.ends() {
		ok := false
		for _, oe := range o.ends() {
			ok = ok || e.within(oe)
		}
		if !ok {
			return false
		}
	}
	return s.nEnds > 0
}

// maxLabel is the longest label, in characters, read before an address.
const maxLabel = 12

// streetRunes end a street, building or village: a text before a region
// name that holds one is an address part, not a label (东方路88号上海市).
const streetRunes = "路街巷弄号楼室栋村镇乡"

// labelLike reports whether p, the text before a region name, is a label
// or a phrase introducing the address: it ends with a colon or another
// separator or a closing bracket, or with 是, 于, 在, 为, 址, 点, 部, 至, 往
// (我家的地址是, 分店位于, 工作地点, 总部, 送货至, 寄往, （中国总部）), or
// holds no Chinese character at all (null, N/A).
func labelLike(p string) bool {
	last, _ := utf8.DecodeLastRuneInString(p)
	if isSeparator(last) || strings.ContainsRune("是于在为址点部至往)）]】", last) {
		return true
	}
	for _, r := range p {
		if r >= 0x4e00 && r <= 0x9fff {
			return false
		}
	}
	return true
}

// deepest returns the lowest level of the current ends.
func (s *scan) deepest() int {
	min := levelDistrict
	for _, e := range s.ends() {
		if e.level < min {
			min = e.level
		}
	}
	return min
}

// advance narrows the ends by a name's candidates and reports whether any
// of them fits. A candidate fits below an end (杭州市 after 浙江), or else
// as a repeat of an end or of its ancestor (浙江省 after 杭州). Going deeper
// wins over repeating: in 湘潭 湘潭 the second is 湘潭县 of 湘潭市.
func (s *scan) advance(cands []candidate, accept func(c candidate, e *division, repeat bool) bool) bool {
	// Current names first: a former name counts only where no current
	// division of the name fits (海口琼山 is 琼山区, not the former 琼山市).
	if s.advanceOld(cands, false, accept) {
		return true
	}
	return hasOld(cands) && s.advanceOld(cands, true, accept) // most names: no second pass
}

// advanceOld is advance with the current (old false) or former names
// among the candidates.
func (s *scan) advanceOld(cands []candidate, old bool, accept func(c candidate, e *division, repeat bool) bool) bool {
	var buf [maxEnds]*division
	next := buf[:0]
	for _, c := range cands {
		if c.old != old {
			continue
		}
		for _, e := range s.ends() {
			if c.div.parent != nil && (c.div.parent.within(e) || c.via != nil && c.via.within(e)) && accept(c, e, false) {
				next = appendDiv(next, c.div)
			}
		}
	}
	if len(next) == 0 {
		for _, c := range cands {
			if c.old != old {
				continue
			}
			for _, e := range s.ends() {
				if e.within(c.div) && accept(c, e, true) {
					next = appendDiv(next, e)
				}
			}
		}
	}
	if len(next) == 0 {
		return false
	}
	s.setEnds(next)
	return true
}

// match finds the longest division name at t[pos:] that fits. Spaces
// inside a name are ignored (浙 江省, 滁州 市). It reports blocked when a
// name would fit below what was read but is written as part of a street
// or place name (杭州市西湖路): then no shorter name nor typo is tried.
func (s *scan) match(t string, pos, cap int) (m mention, ok, blocked bool) {
	first, _ := text.DecodeRune(t, pos)
	mask := idx.lengthsOf(first)
	if mask == 0 {
		return mention{}, false, false
	}
	offs := &s.offs   // offs[k]: byte offset in t after k runes that are not spaces
	runes := &s.runes // runes[k-1]: the k-th of those runes
	hs := &s.hs       // hs[k]: the first k of those runes hashed (nameStep)
	offs[0] = 0
	var gap uint32 // bit k set: spaces after the k-th rune
	n, longest := 0, bits.Len32(mask)-1
	h := nameSeed
	for i := pos; i < len(t) && n < longest; {
		r, size := text.DecodeRune(t, i)
		i += size
		if isSpace(r) {
			gap |= 1 << n
			continue
		}
		runes[n] = r
		h = nameStep(h, r)
		n++
		offs[n] = i
		hs[n] = h
	}
	gap &^= 1 // spaces before the first rune do not matter
	// Only a name written with spaces inside needs its runes copied
	// together to be looked up.
	keys := &s.keys // keys[k]: length of the first k runes in key
	key := &s.key   // the runes without the spaces
	if gap != 0 {
		keys[0] = 0
		for k := 1; k <= n; k++ {
			keys[k] = keys[k-1] + utf8.EncodeRune(key[keys[k-1]:], runes[k-1])
		}
	}
	conflict := ""
	// The lengths of names starting with first, up to n, longest first,
	// taken bit by bit: no test per length that no name has.
	for lens := mask & (1<<(n+1) - 1) &^ 3; lens != 0; {
		l := bits.Len32(lens) - 1
		lens &^= 1 << l
		if !idx.filter.mayHave(first, runes[l-1], l) {
			continue // no name of l runes runs from first to last
		}
		var cands []candidate
		var ok bool
		inner := gap & (1<<l - 1) // spaces inside the name
		if inner != 0 {
			cands, ok = idx.table.find(nameHash(hs[l], l), string(key[:keys[l]]))
			if ok && splitsBetter(t, offs, keys, key[:], inner, mask) {
				continue
			}
		} else {
			cands, ok = idx.table.find(nameHash(hs[l], l), t[pos:offs[l]])
		}
		if !ok {
			continue
		}
		if inner == 0 && l >= 3 && mask&(1<<(l-1)) != 0 && maySuffixName(t[offs[l-1]:]) && splitsShorter(t, pos, offs[l-1], offs[l], cands) {
			continue // 青岛市北区 is 青岛 + 市北区
		}
		f := follow{t: t, at: offs[l], cands: cands}
		lo, hi := levels(cands, cap)
		ok = s.advance(cands, func(c candidate, e *division, repeat bool) bool {
			return c.div.level >= lo && c.div.level <= hi && acceptable(c, l, e, &f, repeat)
		})
		if ok {
			m := mention{end: int32(offs[l]), cands: cands, name: t[pos:offs[l]], lo: int8(lo), hi: int8(hi)}
			if cands[0].short { // most names are full: no suffix follows them
				if n := suffixTypo(t[offs[l]:], cands); n > 0 {
					m.end += int32(n)
					m.typo = t[pos:m.end] // 嘉定去, corrected to 嘉定区
				} else {
					m.end += int32(straySuffix(t[offs[l]:], cands))
				}
			}
			return m, true, false
		}
		if f.street() && s.below(cands) {
			return mention{}, false, true
		}
		if conflict == "" && (l >= 3 && !cands[0].short || f.standalone()) {
			conflict = t[pos:offs[l]]
		}
	}
	if conflict != "" && s.conflict == "" && s.nMent > 0 {
		s.conflict = conflict
	}
	return mention{}, false, false
}

// suffixTypos are the characters typed for a suffix by sound, as input
// methods offer them first: 嘉定去 for 嘉定区, 合肥是 for 合肥市. Only these:
// other homophones begin words (西湖曲院).
var suffixTypos = map[rune]rune{'去': '区', '是': '市', '事': '市', '现': '县', '线': '县'}

// suffixTypo returns the length of a suffix typed by sound (suffixTypos)
// that rest starts with right after a short name, when it stands for the
// suffix of every division the name may be.
func suffixTypo(rest string, cands []candidate) int {
	if !cands[0].short {
		return 0 // most names: written in full
	}
	r, size := text.DecodeRune(rest, 0)
	want, ok := suffixTypos[r]
	if !ok {
		return 0
	}
	for _, c := range cands {
		if !c.short || lastRune(c.div.name) != want {
			return 0
		}
	}
	return size
}

// straySuffix returns the length of a county-level suffix that rest starts
// with right after a short district name, when that suffix is not the
// division's own: an old spelling from before 2000 (武安县 for 武安市, 牟平县
// for 牟平区) whose 县 must not stay in the detail. 县城 (the county town)
// and 市场 are words of their own and stay.
func straySuffix(rest string, cands []candidate) int {
	if !cands[0].short || cands[0].div.level != levelDistrict {
		return 0 // most names: full, or not of a district
	}
	r, size := text.DecodeRune(rest, 0)
	if !strings.ContainsRune("县市区", r) {
		return 0
	}
	if next, _ := text.DecodeRune(rest, size); strings.ContainsRune("城场区镇", next) {
		return 0
	}
	for _, c := range cands {
		if !c.short || c.div.level != levelDistrict || lastRune(c.div.name) == r {
			return 0
		}
	}
	return size
}

// anyLevel is the cap of the address text: names there may be of any level.
const anyLevel = 0

// levels returns the levels a name read in a column of level cap is taken
// at: that level when it names a division there (吉林 in a city column is
// 吉林市), else that level or above (浙江 in a city column), else any.
func levels(cands []candidate, cap int) (lo, hi int) {
	lo, hi = levelProvince, levelDistrict
	if cap == anyLevel {
		return lo, hi
	}
	for _, c := range cands {
		if c.div.level == cap {
			return cap, cap
		}
		if c.div.level < cap {
			hi = cap
		}
	}
	return lo, hi
}

// below reports whether a candidate lies below one of the ends.
func (s *scan) below(cands []candidate) bool {
	for _, c := range cands {
		for _, e := range s.ends() {
			if c.div.parent != nil && c.div.parent.within(e) {
				return true
			}
		}
	}
	return false
}

// follow describes what follows a name, worked out only when needed.
type follow struct {
	t          string
	at         int         // byte offset after the name
	cands      []candidate // what the name stands for
	done       bool
	alone, str bool
}

func (f *follow) eval() {
	if f.done {
		return
	}
	f.done = true
	rest := f.t[f.at:]
	if rest == "" {
		f.alone = true
		return
	}
	if isSeparatorStart(rest) {
		// Set apart: only a word that makes a street of the name (光明 路)
		// joins them, unless a division name follows.
		after := f.t[skipSeparators(f.t, f.at):]
		f.alone = !tightSuffix(after) || startsName(after)
		f.str = !f.alone
		return
	}
	f.str = streetSuffix(rest) || streetWord(rest)
}

// standalone reports whether the name ends its text or is set apart by a
// separator from what follows.
func (f *follow) standalone() bool { f.eval(); return f.alone }

// street reports whether the name is the start of a street or place name.
func (f *follow) street() bool { f.eval(); return f.str }

// acceptable reports whether a name of l runes may refer to candidate c
// below (or, repeating, at or above) e. Short names (杭州, 西湖) and
// two-character district names (城区, 东区) are common words: they count
// only when not followed by a street word (西湖路 is not 西湖区), repeat
// only when set apart by a separator, and a district one counts only after
// a province or city, or alone in its field.
func acceptable(c candidate, l int, e *division, f *follow, repeat bool) bool {
	// A generic name right under its city is that city's district: the
	// canonical 汕尾市城区 must read back the same.
	if len(e.kids) == 1 {
		e = e.kids[0] // a municipality's one city
	}
	if c.generic {
		return !repeat && (e == c.div.parent || e == c.via) // 长治市城区, not 山西省城区
	}
	weak := c.short || l == 2 && genericDistrict(c.div) && c.div.parent != e
	if !weak {
		return true
	}
	if repeat {
		return f.standalone() || startsName(f.t[f.at:]) // 宁波宁波海曙区
	}
	if c.div.level == levelDistrict && e.level == levelRoot && !c.div.named {
		// Alone in its field (西湖 in a district column), or the only
		// division of its name followed by what reads as an address
		// (义乌稠城街道, not 义乌华信贸易).
		return skipSeparators(f.t, f.at) == len(f.t) || unique(f.cands) && !strings.ContainsRune(streetEnds, lastRune(f.t[:f.at])) && addressy(f.t[f.at:])
	}
	// A street word may begin a division below: 江苏镇江市, 宁波镇海区.
	return f.standalone() || !f.street() || nameBelow(f.t, f.at, c.div, true)
}

// streetEnds are the last characters of a name that reads as a street of
// its own (解放路, 中山街) rather than a county-level place; 张家港 and 柯桥
// end in 港 and 桥 and are places.
const streetEnds = "路街道巷弄里"

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// unique reports whether the candidates of a name are one division.
func unique(cands []candidate) bool {
	for _, c := range cands[1:] {
		if c.div != cands[0].div {
			return false
		}
	}
	return true
}

// addressWords and companyWords tell what follows a place name: 稠城街道,
// 前进东路, 经济开发区 read as an address; 贸易公司 as a company.
var (
	addressRunes = "路街道巷弄号镇乡村"
	addressWords = strings.Fields(`开发区 工业园 园区 大道 广场 大厦 小区 社区 新区 新城 商城 花园`)
	companyWords = strings.Fields(`公司 厂 店 行 部 中心 集团 有限 商贸 贸易 科技 实业`)
)

// addressy reports whether the text right after a place name reads as an
// address: a street or place word within the next eight characters
// (spaces aside), and no company word before it.
func addressy(rest string) bool {
	if streetSuffix(rest) || streetWord(rest) {
		return false // the name is part of a street or place: 解放路
	}
	n := 0
	for i, r := range rest {
		if isSpace(r) {
			continue // the cleaned detail drops or folds spaces: count as it will read
		}
		if n++; n > 8 {
			return false
		}
		w := rest[i:]
		for _, c := range companyWords {
			if strings.HasPrefix(w, c) {
				return false
			}
		}
		if strings.ContainsRune(addressRunes, r) && i > 0 {
			return true
		}
		for _, a := range addressWords {
			if strings.HasPrefix(w, a) {
				return true
			}
		}
	}
	return false
}

// splitsShorter reports whether a name ending at full reads better as a
// shorter one ending at short: 青岛市北区 is 青岛 and 市北区, since a
// division of 青岛 starts after 青岛 and none after 青岛市.
func splitsShorter(t string, pos, short, full int, cands []candidate) bool {
	if !startsSuffixName(t[short:]) {
		return false // no division name starts at the suffix (most names): no split
	}
	shorter, ok := idx.names[t[pos:short]]
	if !ok {
		return false
	}
	// The shorter reading is tried first: a name rarely starts at the
	// suffix (市北区 does), so the full reading is seldom looked at.
	split := false
	for _, c := range shorter {
		if nameBelow(t, short, c.div, true) {
			split = true
			break
		}
	}
	if !split {
		return false
	}
	for _, c := range cands {
		if nameBelow(t, full, c.div, true) {
			return false
		}
	}
	return true
}

// suffixNames are the division names that start with a character that
// also ends names (市北区, 市中区, 旗山区): where a name could be read
// shorter (青岛市北区). A sorted slice: about a dozen, looked at for most
// names ending in 市, after suffixHeads.
var suffixNames = func() []string {
	var names []string
	for name := range idx.names {
		r, _ := text.DecodeRune(name, 0)
		if suffixRune(r) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}()

// suffixHeads are the first two characters of suffixNames as head6 packs
// them, compared before the names themselves: 市西湖区 stops at 市西 with
// a few integer comparisons, as splitsShorter asks for most names ending
// in 市 or 省.
var suffixHeads = func() []uint64 {
	var out []uint64
	for _, name := range suffixNames {
		h, ok := head6(name)
		if !ok || !text.HanAt(name, 0) || !text.HanAt(name, 3) {
			panic("address: suffix name " + name + " does not start with two Chinese characters")
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}()

// head6 packs the first six bytes of s (two Chinese characters) into a
// number; ok is false when s is shorter.
func head6(s string) (h uint64, ok bool) {
	if len(s) < 6 {
		return 0, false
	}
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 | uint64(s[4])<<32 | uint64(s[5])<<40, true
}

// suffixHeadBits has bit headBit(h) set for each of suffixHeads: a filter
// that maySuffixName reads without a call.
var suffixHeadBits = func() uint64 {
	var bits uint64
	for _, h := range suffixHeads {
		bits |= headBit(h)
	}
	return bits
}()

func headBit(h uint64) uint64 { return 1 << (h * 0x9E3779B97F4A7C15 >> 58) }

// maySuffixName reports whether s may start with one of suffixNames: when
// false (市西湖区, 省杭州市), it does not.
func maySuffixName(s string) bool {
	h, ok := head6(s)
	return ok && suffixHeadBits&headBit(h) != 0
}

// startsSuffixName reports whether s starts with one of suffixNames.
func startsSuffixName(s string) bool {
	if h, ok := head6(s); !ok || !slices.Contains(suffixHeads, h) {
		return false
	}
	for _, name := range suffixNames {
		if strings.HasPrefix(s, name) {
			return true
		}
	}
	return false
}

func suffixRune(r rune) bool {
	switch r {
	case '省', '市', '区', '县', '州', '旗', '盟':
		return true
	}
	return false
}

// genericDistrict reports whether d's name is a common word: 城区, 郊区,
// 矿区, 东区 — not 南县 or 盂县.
func genericDistrict(d *division) bool {
	if d.level != levelDistrict || !strings.HasSuffix(d.name, "区") {
		return false
	}
	first, _ := text.DecodeRune(d.name, 0)
	return strings.ContainsRune("城郊矿东西南北中", first)
}

// streetSuffixes make a street or place of the word before them: 西湖路,
// 南京东路. The single characters (tightSuffixes) do so even across a
// space, since alone they mean nothing: 光明 路.
var (
	tightSuffixes  = strings.Fields(`路 街 道 巷 弄 里 村 镇 乡 桥 站 号 院 园 苑 楼 坊 屯 庄 湾 港 口 胡同`)
	streetSuffixes = append(strings.Fields(`东路 西路 南路 北路 中路 东街 西街 南街 北街 中街 东大街 西大街 南大街 北大街
一路 二路 三路 四路 五路 环路`), tightSuffixes...)
)

// streetWords start a street or place name; a short division name directly
// followed by one is part of it: 杭州大厦, 中山公园.
var streetWords = strings.Fields(`大街 大道 大厦 大学 大桥 大楼 新村 小区 花园 公园 广场 饭店 宾馆 酒店 商城 商场
市场 中学 小学 医院 银行 公司 集团 分行 支行`)

var (
	streetSuffixIndex = byFirstRune(streetSuffixes)
	tightSuffixIndex  = byFirstRune(tightSuffixes)
	streetWordIndex   = byFirstRune(streetWords)
)

func byFirstRune(words []string) map[rune][]string {
	m := map[rune][]string{}
	for _, w := range words {
		r, _ := text.DecodeRune(w, 0)
		m[r] = append(m[r], w)
	}
	return m
}

func streetSuffix(s string) bool { return hasAnyPrefix(s, streetSuffixIndex) }
func streetWord(s string) bool   { return hasAnyPrefix(s, streetWordIndex) }
func tightSuffix(s string) bool  { return hasAnyPrefix(s, tightSuffixIndex) }

func hasAnyPrefix(s string, index map[rune][]string) bool {
	r, _ := text.DecodeRune(s, 0)
	for _, w := range index[r] {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// startsName reports whether s starts with a division name.
func startsName(s string) bool {
	first, _ := text.DecodeRune(s, 0)
	mask := idx.lengthsOf(first)
	if mask == 0 {
		return false
	}
	i, h := 0, nameSeed
	for l := 1; l < 31 && i < len(s); l++ {
		r, size := text.DecodeRune(s, i)
		i += size
		h = nameStep(h, r)
		if mask&(1<<l) != 0 {
			if _, ok := idx.table.find(nameHash(h, l), s[:i]); ok {
				return true
			}
		}
	}
	return false
}

// splitsBetter reports whether a name read across spaces is better read as
// two names the spaces separate: 青岛 市北 is 青岛市 + 市北区 written
// short, not 青岛市 + 北.
func splitsBetter(t string, offs, keys *[32]int, key []byte, inner, mask uint32) bool {
	for k := 2; k < 31; k++ {
		if inner&(1<<k) == 0 {
			continue
		}
		if mask&(1<<k) == 0 {
			continue
		}
		if _, ok := idx.names[string(key[:keys[k]])]; ok && startsName(t[skipSeparators(t, offs[k]):]) {
			return true
		}
	}
	return false
}

// typo looks at t[pos:] for the full name of a child of the current ends
// written with one wrong character (杭洲市 for 杭州市). The correction is
// made only when exactly one child fits, the generic suffix (市, 区, 县)
// is written right, and the text as written is not itself a division name
// (former names are read before typos are looked for). A wrong character
// that sounds like the right one (洲 for 州) makes a correction; another
// (抗 for 杭) only one that the next name confirms, which confirm asks
// for: so a district is corrected only for a homophone (蓝城区 is not
// 榕城区), and a province only when a city of it follows. With nothing
// read yet, cities are looked at too (抗州市西湖区).
func (s *scan) typo(t string, pos int) (mention, bool) {
	if len(t)-pos < 9 && utf8.RuneCountInString(t[pos:]) < 3 {
		// Too short for a name of three characters or more, the only ones
		// oneOff corrects (暂无, 无, -): the children are not looked at.
		return mention{}, false
	}
	var found []*division
	var window string
	sounds := true
	// One of the first two characters must be right: a cheap filter.
	t0, size := text.DecodeRune(t, pos)
	t1, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(t[pos+size:], isSpace))
	try := func(k *division) {
		if k.first[0] != t0 && k.first[1] != t1 || slices.Contains(found, k) {
			return
		}
		w, a, b, ok := oneOff(t[pos:], k.name)
		if !ok {
			return
		}
		if _, real := idx.names[w]; real || commonWord(w) {
			return
		}
		found = append(found, k)
		window, sounds = w, sounds && homophone(a, b)
	}
	for _, e := range s.ends() {
		if len(e.kids) == 1 {
			e = e.kids[0] // a municipality: its districts, not its one city
		}
		for _, k := range e.kids {
			try(k)
		}
		if e.level == levelRoot {
			for _, k := range idx.cityByRune[0][t0] {
				try(k)
			}
			for _, k := range idx.cityByRune[1][t1] {
				try(k)
			}
		}
	}
	if len(found) == 0 {
		return mention{}, false
	}
	if len(found) > 1 || !sounds || found[0].level == levelProvince {
		// Only the next name can tell: keep the one it lies below.
		var confirmed *division
		for _, k := range found {
			if nameBelow(t, pos+len(window), k, false) {
				if confirmed != nil {
					return mention{}, false
				}
				confirmed = k
			}
		}
		if confirmed == nil {
			return mention{}, false
		}
		found = found[:1]
		found[0] = confirmed
	}
	cands := []candidate{{div: found[0]}}
	if !s.advance(cands, func(candidate, *division, bool) bool { return true }) {
		return mention{}, false
	}
	return mention{end: int32(pos + len(window)), cands: cands, typo: window, name: found[0].name, lo: levelProvince, hi: levelDistrict}, true
}

// nameBelow reports whether the text at t[at:] starts with the name of a
// division below d; with full, the full name (镇江市, not 镇江) or a short
// one followed by a full name below it (镇江京口区).
func nameBelow(t string, at int, d *division, full bool) bool {
	at = skipFiller(t, at)
	rest := t[at:]
	first, _ := text.DecodeRune(rest, 0)
	mask := idx.lengthsOf(first)
	i, h := 0, nameSeed
	for l := 1; l < 31 && i < len(rest) && mask>>l != 0; l++ {
		r, size := text.DecodeRune(rest, i)
		i += size
		h = nameStep(h, r)
		if mask&(1<<l) == 0 {
			continue
		}
		cands, _ := idx.table.find(nameHash(h, l), rest[:i])
		for _, c := range cands {
			if c.div == d || !c.div.within(d) {
				continue
			}
			// A short name counts when a full name below it follows
			// (江苏镇江京口区), so that a street (江苏镇江路) does not.
			if !full || !c.short || nameBelow(t, at+i, c.div, true) {
				return true
			}
		}
	}
	return false
}

// homophone reports whether two characters share a reading, tones aside.
func homophone(a, b rune) bool {
	for _, x := range pinyin.Of(a) {
		if slices.Contains(pinyin.Of(b), x) {
			return true
		}
	}
	return false
}

// commonWords end like division names but are ordinary words; a typo
// correction must not turn them into one (开发区 → 开州区).
var commonWords = strings.Fields(`开发区 高新区 工业区 保税区 商业区 自贸区 风景区 旅游区 老城区 中心区 生活区 住宅区
办公区 试验区 实验区 示范区 管理区 度假区 商务区 核心区 产业区 科技区 经济区 物流区 综合区 合作区 主城区`)

func commonWord(w string) bool {
	w = strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, w)
	return slices.Contains(commonWords, w)
}

// oneOff reports whether t starts with name written with exactly one other
// character before its last one, and returns that prefix of t and the
// character written (a) for the right one (b).
func oneOff(t, name string) (w string, a, b rune, ok bool) {
	n := utf8.RuneCountInString(name)
	if n < 3 {
		return "", 0, 0, false
	}
	diff, i, j := 0, 0, 0
	for k := 0; k < n; k++ {
		for i < len(t) && isSpace(rune(t[i])) {
			i++ // ASCII spaces inside a name: 莱锡 市
		}
		if i >= len(t) {
			return "", 0, 0, false
		}
		x, sx := text.DecodeRune(t, i)
		if isSpace(x) {
			i += sx
			k--
			continue
		}
		y, sy := text.DecodeRune(name, j)
		if x != y {
			if k == n-1 || x < 0x4e00 || x > 0x9fff {
				return "", 0, 0, false // the suffix must match; only a Chinese character may be wrong
			}
			diff++
			a, b = x, y
		}
		i += sx
		j += sy
	}
	if diff != 1 {
		return "", 0, 0, false
	}
	return t[:i], a, b, true
}

// merge combines the reading of the address text with the reading of the
// columns when they agree, each end of one lying within an end of the other.
func (s *scan) merge(cols *scan, m *scan) bool {
	m.reset()
	var buf [maxEnds]*division
	ends := buf[:0]
	for _, a := range cols.ends() {
		for _, b := range s.ends() {
			switch {
			case b.within(a):
				ends = appendDiv(ends, b)
			case a.within(b):
				ends = appendDiv(ends, a)
			}
		}
	}
	if len(ends) == 0 {
		return false
	}
	m.setEnds(ends)
	for _, x := range cols.mentions() {
		m.addMention(x)
	}
	for _, x := range s.mentions() {
		m.addMention(x)
	}
	m.end = s.end
	m.conflict = s.conflict
	if m.conflict == "" {
		m.conflict = cols.conflict
	}
	return true
}
