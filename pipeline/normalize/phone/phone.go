// Package phone splits a spreadsheet cell into telephone numbers and
// normalizes each to E.164: Chinese mobiles, landlines with area code and
// extension, 400/800 and 95xxx service numbers, and foreign numbers.
//
// Plain mobiles and ordinary landlines are checked against tables generated
// from nyaruka/phonenumbers' metadata (see gen/); phonenumbers itself is
// asked only about the odd cases. Data problems come back as issues, never
// as errors.
package phone

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// ErrRegion is wrapped by New when the default region is not one
// phonenumbers knows.
var ErrRegion = errors.New("unknown phone region")

// Options configure a Parser; they come from the rules file's phone section.
type Options struct {
	Region     string   // default region of numbers without country code, "CN" if empty
	OwnMarkers []string // words marking a number as the customer's own (微信同号, 手机)
}

// Parser normalizes phone cells. It is safe for concurrent use.
type Parser struct {
	region string
	cc     int
	cn     bool
	own    []string
}

// New builds a Parser.
func New(opt Options) (*Parser, error) {
	region := strings.ToUpper(strings.TrimSpace(opt.Region))
	if region == "" {
		region = "CN"
	}
	if !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("phone region %q: %w (use a two-letter code such as CN)", opt.Region, ErrRegion)
	}
	p := &Parser{region: region, cc: phonenumbers.GetCountryCodeForRegion(region), cn: region == "CN"}
	for _, m := range opt.OwnMarkers {
		if m = strings.ToLower(strings.TrimSpace(m)); m != "" {
			p.own = append(p.own, m)
		}
	}
	return p, nil
}

// Context carries what the rest of the row knows about the customer.
type Context struct {
	City string // canonical city of the customer's address ("杭州市"), "" if unknown
}

// Result is what one cell holds. Issues have Col -1: the caller fills in
// the column.
type Result struct {
	Phones []record.Phone
	Issues []record.Issue
	// Short holds the ten national digits of each mobile written one
	// digit short (reported invalid): not a number to output, but the
	// matcher compares it with other rows' mobiles as a near match.
	Short []string
}

// Issue rules.
const (
	RuleInvalid          = "phone.invalid"
	RuleNoAreaCode       = "phone.no_area_code"
	RuleAreaCodeInferred = "phone.area_code_inferred"
	RuleAreaCodeMismatch = "phone.area_code_mismatch"
	RuleMobileExtension  = "phone.mobile_extension"
	RuleTrunkZeroAdded   = "phone.trunk_zero_added"
	RuleTrunkZeroRemoved = "phone.trunk_zero_removed"
	RuleExcelNumber      = "phone.excel_number"
	RuleNoNumber         = "phone.no_number"
	RuleLandlineLength   = "phone.landline_length"
)

// Parse splits one cell into numbers and normalizes them.
func (p *Parser) Parse(cell string, ctx Context) Result {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return Result{}
	}
	if p.cn {
		if e164, ok := plainMobile(cell); ok {
			return Result{Phones: []record.Phone{{E164: e164, Type: record.Mobile, Col: -1, Input: cell}}}
		}
		if res, ok := p.plainLandline(cell, ctx); ok {
			return res
		}
		// A mobile in a numeric spreadsheet cell (13800138000.0): parse reads
		// the digits and keeps the cell as the input.
		if digits, kind := excelNumber(cell); kind == excelFloat {
			if e164, ok := plainMobile(digits); ok && allDigits(digits) {
				return Result{Phones: []record.Phone{{E164: e164, Type: record.Mobile, Col: -1, Input: cell}}}
			}
		}
		if res, ok := p.messyCell(cell, ctx); ok {
			return res
		}
	}
	return p.parse(cell, ctx)
}

// plainLandline is the fast path of Parse for one landline with area code
// and nothing else: 057188881234, 0571-88881234, 0571 88881234 or
// (0571)88881234. It judges the digits as parse's assembly of the digit
// groups would and gives what parse gives, area-code check and
// subscriber-length warning included, or false for anything else (a bad or
// otherwise repaired number, an extension, text), which parse then reads.
//
// The digits start 0 and, after it, neither 0 nor 1 other than 10, so
// judge would read them, and the head group, as landline (trunk 0, area
// code, subscriber). That judgement is done here from one area-code lookup
// on the E.164 text, built once and returned as the number:
//   - a valid subscriber number (table or phonenumbers) gives the number;
//   - otherwise, complete or too short, landline and parse's finish both
//     end in lenient, which keeps a 7- or 8-digit number with a warning.
func (p *Parser) plainLandline(cell string, ctx Context) (Result, bool) {
	j, ok := p.plainLandlineJudgement(cell)
	if !ok {
		return Result{}, false
	}
	res := Result{Phones: []record.Phone{{E164: j.e164, Type: record.Landline, Col: -1, Input: cell}}}
	c := cellParse{p: p, ctx: ctx, res: &res}
	c.landlineIssues(j, cell)
	return res, true
}

// landlineIssues adds the issues plainLandline reports about the landline
// it judged in cell.
func (c *cellParse) landlineIssues(j judgement, cell string) {
	if j.fix == RuleLandlineLength {
		c.lengthIssue(j, cell)
	}
	c.checkArea(j, cell)
}

// plainLandlineJudgement is plainLandline's reading of cell: a whole
// landline, or false.
func (p *Parser) plainLandlineJudgement(cell string) (judgement, bool) {
	if len(cell) < 10 || len(cell) > 16 {
		return judgement{}, false
	}
	head, tail := cell, ""
	switch {
	case cell[0] == '(':
		end := strings.IndexByte(cell, ')')
		if end < 0 {
			return judgement{}, false
		}
		head, tail = cell[1:end], cell[end+1:]
		if tail == "" {
			return judgement{}, false
		}
	default:
		if i := strings.IndexAny(cell, "- "); i >= 0 {
			head, tail = cell[:i], cell[i+1:]
			if tail == "" {
				return judgement{}, false
			}
		}
	}
	if len(head) < 3 || head[0] != '0' || head[1] == '0' || head[1] == '1' && (len(head) < 3 || head[2] != '0') ||
		!allDigits(head) || !allDigits(tail) {
		return judgement{}, false
	}
	// "+86" and the digits without the trunk 0: at most 3+15 bytes.
	var buf [18]byte
	n := copy(buf[:], "+86")
	n += copy(buf[n:], head[1:])
	n += copy(buf[n:], tail)
	e164 := string(buf[:n])
	nat := e164[3:]
	code, a, ok := lookupArea(nat)
	if !ok {
		return judgement{}, false
	}
	// parse joins the groups only while the head is too short to be a
	// number; a head that is just the area code always is.
	if tail != "" && len(head) != 1+len(code) && p.judge(head, false).st != partial {
		return judgement{}, false
	}
	sub := nat[len(code):]
	if len(sub) < 6 || len(sub) > 8 {
		return judgement{}, false // too long, or too short even for lenient
	}
	var j judgement
	switch a.subscriber(sub) {
	case yes:
		j = judgement{st: whole, typ: record.Landline, e164: e164, area: code}
	case ask:
		if s := p.slow(e164); s.st == whole {
			if s.typ != record.Landline {
				return judgement{}, false
			}
			j, j.area = s, code
		}
	}
	if j.st != whole {
		if !keptLength(sub) {
			return judgement{}, false
		}
		j = lengthWarning(code, e164)
	}
	return j, true
}

// plainMobile is the fast path of Parse for the cells most phone columns
// hold: one mobile number, as 13800138000, 138-0013-8000 or 138 0013 8000,
// optionally after +86 or 0086 and a space or a dash. It gives the number
// Parse would give, or false for anything else, which parse then reads.
func plainMobile(cell string) (e164 string, ok bool) {
	s := cell
	for _, cc := range []string{"+86", "0086"} {
		if rest, found := strings.CutPrefix(s, cc); found && len(rest) >= 11 {
			s = rest
			if s[0] == ' ' || s[0] == '-' {
				s = s[1:]
			}
			break
		}
	}
	// e is the E.164 text, "+86" and the eleven digits d
	var e [14]byte
	copy(e[:], "+86")
	d := e[3:]
	switch {
	case len(s) == 11 && allDigits(s):
		copy(d, s)
	case len(s) == 13 && (s[3] == '-' || s[3] == ' ') && s[8] == s[3] &&
		allDigits(s[:3]) && allDigits(s[4:8]) && allDigits(s[9:]):
		copy(d, s[:3])
		copy(d[3:], s[4:8])
		copy(d[7:], s[9:])
	default:
		return "", false
	}
	if !isMobile(d) {
		return "", false
	}
	return string(e[:]), true
}

// parse is Parse without its fast path.
func (p *Parser) parse(cell string, ctx Context) Result {
	var res Result
	text := cell
	switch digits, kind := excelNumber(cell); kind {
	case excelFloat:
		text = digits
	case excelSci:
		text = digits
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{Col: -1, Value: cell, Rule: RuleExcelNumber, Severity: record.Warning, Fix: digits},
			msg.New("phone.excel_number", cell, digits)))
	case excelLossy:
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{Col: -1, Value: cell, Rule: RuleInvalid, Severity: record.Warning},
			msg.New("phone.excel_number_lossy", cell)))
		return res
	}
	if strings.Contains(text, ";ext=") {
		text = strings.ReplaceAll(text, ";ext=", " ext ") // our own output format
	}
	orig := []rune(text)
	rs := make([]rune, len(orig))
	for i, r := range orig {
		rs[i] = narrow(r)
	}
	groups, notes := lex(rs)
	if len(groups) == 0 {
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{Col: -1, Value: cell, Rule: RuleNoNumber, Severity: record.Warning},
			msg.New("phone.no_number", cell)))
		return res
	}
	c := cellParse{p: p, ctx: ctx, groups: groups, orig: orig, res: &res}
	c.assemble()
	c.attachNotes(notes)
	if text != cell && !strings.Contains(cell, ";ext=") {
		for i := range res.Phones {
			res.Phones[i].Input = cell // a spreadsheet number: the cell is the input
		}
	}
	return res
}

// candidate is a number found in a cell: groups[from:to] plus an extension.
type candidate struct {
	from, to int
	phone    int // index in Result.Phones, -1 if none
}

// cellParse is the state of parsing one cell.
type cellParse struct {
	p      *Parser
	ctx    Context
	groups []group
	orig   []rune
	res    *Result
	found  []candidate
}

// input is the original text of groups[from:to].
func (c *cellParse) input(from, to int) string {
	start, end := c.groups[from].start, c.groups[to-1].end
	if start > 0 && narrow(c.orig[start-1]) == '(' {
		for _, r := range c.orig[start:end] {
			if narrow(r) == ')' {
				start-- // "(0571)8888 1234": keep the opening bracket
				break
			}
		}
	}
	return strings.TrimSpace(string(c.orig[start:end]))
}

// assemble joins digit groups into numbers: a group joins the number
// before it while that number is still too short to be complete and the
// joined digits can still become a valid number.
func (c *cellParse) assemble() {
	gs := c.groups
	for i := 0; i < len(gs); {
		if gs[i].masked {
			c.invalid(i, i+1, "the number is masked")
			i++
			continue
		}
		digits, plus := gs[i].digits, gs[i].plus
		j := c.p.judge(digits, plus)
		k := i + 1
		for j.st == partial && k < len(gs) && gs[k].joinable && !gs[k].plus && gs[k].gap != gapExt {
			next := c.p.judge(digits+gs[k].digits, plus)
			if next.fix == RuleTrunkZeroAdded {
				// a lost trunk 0 is only believed of a single run of digits
				next = badf("phone.why.digits", strconv.Itoa(len(digits)+len(gs[k].digits)))
			}
			if next.st == bad {
				// Too many digits together. Keep the next group apart when it
				// is a number of its own or this one can stand alone (a local
				// number); otherwise both are pieces of one wrong number
				// ("0592-56769178" where 0592 takes 7 digits).
				if c.p.standsAlone(digits, plus) || c.p.judge(gs[k].digits, false).st == whole {
					break
				}
				digits, j = digits+gs[k].digits, next
				k++
				break
			}
			digits, j = digits+gs[k].digits, next
			k++
		}
		if j.st == partial {
			j = c.finish(digits, plus, i, k)
		}
		idx := c.emit(j, i, k)
		// an extension: after a word such as 转 or ext, or a short dash group
		if k < len(gs) && gs[k].seg == gs[k-1].seg && !gs[k].plus {
			ext := gs[k]
			explicit := ext.gap == gapExt && len(ext.digits) <= 6
			dashed := ext.gap == gapDash && ext.joinable && len(ext.digits) <= 5 && (j.st == whole && j.typ != record.Other || j.local)
			if (explicit || dashed) && !ext.masked && ext.digits != "" {
				c.extension(idx, j, ext, i, k+1)
				k++
			}
		}
		i = k
	}
}

// finish settles a number that stayed too short: a short service number,
// a local number that takes the area code of the customer's city, or an
// invalid one.
func (c *cellParse) finish(digits string, plus bool, from, to int) judgement {
	nat := digits
	intl := plus || strings.HasPrefix(digits, "00")
	if intl {
		nat = strings.TrimPrefix(digits, "00")
		var ok bool
		if nat, ok = strings.CutPrefix(nat, "86"); !ok {
			return badf("phone.why.intl_incomplete")
		}
	}
	if !intl && len(nat) > 8 && strings.HasPrefix(nat, "86") {
		nat = nat[2:] // 86 without '+': describe the number after it
		intl = true
	}
	// A landline: 0 and the area code, or the area code after +86 (2x–9x,
	// or 10 for Beijing: no mobile starts 10).
	if c.p.cn && (!intl && nat != "" && nat[0] == '0' || intl && (nat != "" && nat[0] >= '2' || strings.HasPrefix(nat, "10"))) {
		land := nat
		if !intl {
			land = nat[1:]
		}
		if j, ok := partialLandline(land); ok {
			return j
		}
	}
	if c.p.shortService(nat) {
		return judgement{st: whole, typ: record.Service, e164: "+86" + nat}
	}
	if !c.p.cn || intl || len(nat) < 7 || len(nat) > 8 || nat[0] < '2' {
		return tooShort(nat)
	}
	in := c.input(from, to)
	code := AreaCode(c.ctx.City)
	if code == "" {
		m := msg.New("phone.no_area_code", in)
		if c.ctx.City != "" {
			m = msg.New("phone.no_area_code_city", in, c.ctx.City)
		}
		c.issue(RuleNoAreaCode, record.Warning, in, "", m)
		return judgement{st: bad, why: "-", local: true} // reported above
	}
	a := areaCodes[code]
	v := a.subscriber(nat)
	if v == ask {
		if j := c.p.slow("+86" + code + nat); j.st == whole && j.typ == record.Landline {
			v = yes
		}
	}
	if v != yes {
		return badf("phone.why.local_invalid", strconv.Itoa(len(nat)), c.ctx.City, code)
	}
	e164 := "+86" + code + nat
	c.issue(RuleAreaCodeInferred, record.Info, in, e164, msg.New("phone.area_code_inferred", in, code, c.ctx.City))
	return judgement{st: whole, typ: record.Landline, e164: e164, area: code, fix: "inferred", local: true}
}

func tooShort(nat string) judgement {
	switch {
	case nat == "":
		return badf("phone.why.no_digits")
	case nat[0] == '1':
		j := badf("phone.why.mobile_length", strconv.Itoa(len(nat)))
		if len(nat) == 10 && nat[1] >= '3' {
			j.short = nat
		}
		return j
	case nat[0] == '0':
		if code, a, ok := lookupArea(nat[1:]); ok {
			if sub := nat[1+len(code):]; sub != "" {
				return badf("phone.why.area_length", strconv.Itoa(len(sub)), code, a.lengths())
			}
			return badf("phone.why.area_no_number", code)
		}
		return badf("phone.why.landline_short", strconv.Itoa(len(nat)))
	}
	return badf("phone.why.too_short", strconv.Itoa(len(nat)))
}

// standsAlone reports whether digits that stayed too short still make a
// number by themselves: a local number without area code or a short
// service number. Pieces of a mobile or of a number with area code or
// country code do not.
func (p *Parser) standsAlone(digits string, plus bool) bool {
	if plus || digits == "" || digits[0] == '0' || digits[0] == '1' {
		return false
	}
	return len(digits) >= 7 || p.shortService(digits)
}

// emit records a settled number and returns its index in Phones, or -1.
func (c *cellParse) emit(j judgement, from, to int) int {
	if j.st != whole {
		if j.why != "-" {
			c.invalid(from, to, j.why)
		}
		if j.short != "" {
			c.res.Short = append(c.res.Short, j.short)
		}
		c.found = append(c.found, candidate{from: from, to: to, phone: -1})
		return -1
	}
	in := c.input(from, to)
	switch j.fix {
	case RuleTrunkZeroAdded:
		c.issue(j.fix, record.Info, in, j.e164, msg.New("phone.trunk_zero_added", in, j.e164))
	case RuleTrunkZeroRemoved:
		c.issue(j.fix, record.Info, in, j.e164, msg.New("phone.trunk_zero_removed", in, j.e164))
	case RuleLandlineLength:
		c.lengthIssue(j, in)
	}
	c.checkArea(j, in)
	for i, ph := range c.res.Phones {
		if ph.E164 == j.e164 && ph.Ext == "" {
			c.found = append(c.found, candidate{from: from, to: to, phone: i})
			return i
		}
	}
	c.res.Phones = append(c.res.Phones, record.Phone{E164: j.e164, Type: j.typ, Col: -1, Input: in})
	c.found = append(c.found, candidate{from: from, to: to, phone: len(c.res.Phones) - 1})
	return len(c.res.Phones) - 1
}

// lengthIssue reports a landline kept although its subscriber number has a
// length phonenumbers does not list for its area code.
func (c *cellParse) lengthIssue(j judgement, in string) {
	_, a, _ := lookupArea(j.area)
	sub := len(j.e164) - len("+86") - len(j.area)
	c.issue(RuleLandlineLength, record.Warning, in, "", msg.New("phone.landline_length", in, j.area, a.lengths(), strconv.Itoa(sub), j.e164))
}

// checkArea reports a landline whose area code does not serve the
// customer's city.
func (c *cellParse) checkArea(j judgement, in string) {
	if j.typ == record.Landline && j.area != "" && j.fix != "inferred" && c.ctx.City != "" {
		if serves, known := servesCity(j.area, c.ctx.City); known && !serves {
			c.issue(RuleAreaCodeMismatch, record.Warning, in, "",
				msg.New("phone.area_code_mismatch", in, j.area, strings.Join(areaCodes[j.area].cities, "/"), c.ctx.City))
		}
	}
}

// extension attaches the digits of ext to the number at idx.
func (c *cellParse) extension(idx int, j judgement, ext group, from, to int) {
	c.found[len(c.found)-1].to = to
	if idx < 0 {
		return
	}
	in := c.input(from, to)
	ph := &c.res.Phones[idx]
	if j.typ == record.Mobile {
		ph.Input = in
		c.issue(RuleMobileExtension, record.Warning, in, ph.E164, msg.New("phone.mobile_extension", in, ph.E164, ext.digits))
		return
	}
	if ph.Ext != "" && ph.Ext != ext.digits {
		// the same number with another extension is another phone
		c.res.Phones = append(c.res.Phones, record.Phone{E164: ph.E164, Type: ph.Type, Col: -1})
		idx = len(c.res.Phones) - 1
		c.found[len(c.found)-1].phone = idx
		ph = &c.res.Phones[idx]
	}
	ph.Ext, ph.Input = ext.digits, in
}

// invalid reports groups[from:to] as not a phone number.
func (c *cellParse) invalid(from, to int, why string) {
	in := c.input(from, to)
	c.issue(RuleInvalid, record.Warning, in, "", msg.New("phone.invalid", in, why))
}

// quoted is value in Go quotes (as %q writes it) followed by parts: an
// issue message built with one allocation.
func quoted(value string, parts ...string) string {
	var buf [192]byte
	b := strconv.AppendQuote(buf[:0], value)
	for _, p := range parts {
		b = append(b, p...)
	}
	return string(b)
}

func (c *cellParse) issue(rule string, sev record.Severity, value, fix string, m msg.Msg) {
	c.res.Issues = append(c.res.Issues, record.NewIssue(record.Issue{Col: -1, Value: value, Rule: rule, Severity: sev, Fix: fix}, m))
}

// Words that label the number after them (手机:, 宅, Tel).
var labelWords = map[string]bool{
	"手机": true, "手机号": true, "手机号码": true, "移动电话": true, "电话": true, "座机": true, "固话": true,
	"固定电话": true, "办公": true, "办公室": true, "办": true, "宅": true, "家": true, "家庭": true, "住宅": true,
	"单位": true, "公司": true, "传真": true, "联系电话": true, "联系方式": true, "微信": true, "微信同号": true,
	"tel": true, "telephone": true, "phone": true, "mobile": true, "mob": true, "cell": true, "fax": true, "m": true, "t": true,
}

// attachNotes marks numbers as the customer's own when an own-marker note
// belongs to them. A note labels the next number when it ends in a colon,
// when nothing comes before it, or when it is a label word standing apart
// from the previous number; otherwise it remarks on the previous number.
func (c *cellParse) attachNotes(notes []note) {
	for _, n := range notes {
		if !c.p.isOwn(n.text) {
			continue
		}
		prev, next := -1, -1
		for i, f := range c.found {
			if f.to <= n.pos {
				prev = i
			} else if next < 0 && f.from >= n.pos {
				next = i
			}
		}
		samePrev := prev >= 0 && c.groups[c.found[prev].from].seg == n.seg
		sameNext := next >= 0 && c.groups[c.found[next].from].seg == n.seg
		target := prev
		switch {
		case n.colon && next >= 0:
			target = next
		case n.paren && prev >= 0:
			target = prev
		case !samePrev && sameNext:
			target = next
		case labelWords[n.text] && n.spaceBefore && sameNext:
			target = next
		case prev < 0:
			target = next
		}
		if target >= 0 && c.found[target].phone >= 0 {
			c.res.Phones[c.found[target].phone].Own = true
		}
	}
}

// isOwn reports whether a note carries an own marker and no negation.
func (p *Parser) isOwn(text string) bool {
	for _, m := range p.own {
		if i := strings.Index(text, m); i >= 0 {
			before := text[:i]
			if strings.HasSuffix(before, "非") || strings.HasSuffix(before, "不是") || strings.HasSuffix(before, "不") {
				continue
			}
			return true
		}
	}
	return false
}
