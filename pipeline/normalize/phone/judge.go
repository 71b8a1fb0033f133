package phone

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// state of a run of digits read so far.
type state uint8

const (
	partial state = iota // too short to be a number yet; more digits may follow
	whole                // a complete, valid number
	bad                  // can never become a valid number, whatever follows
)

// judgement is what a run of digits is.
type judgement struct {
	st   state
	typ  record.PhoneType
	e164 string
	area string // area code of a landline, without the trunk 0
	fix  string // rule of a repair applied: "phone.trunk_zero_added", "phone.trunk_zero_removed"
	why  string // for bad: what is wrong, a message argument (msg.Nested)
	// short is, for a bad mobile one digit short, its ten national digits.
	short string
	// local marks a number read as a local number without area code (it
	// may take an extension even when no area code could be added).
	local bool
}

// badf judges digits bad for the reason id of the catalogue, with args.
func badf(id msg.ID, args ...string) judgement {
	return judgement{st: bad, why: msg.Nested(id, args...)}
}

// judge decides what the digits d are; plus says they were written with a
// leading '+'. Chinese mobiles and landlines are decided from the generated
// tables; phonenumbers is asked only for the odd cases.
func (p *Parser) judge(d string, plus bool) judgement {
	if d == "" {
		return judgement{st: partial}
	}
	if plus {
		return p.international(d)
	}
	if strings.HasPrefix(d, "00") {
		return p.international(d[2:])
	}
	if !p.cn {
		return p.foreignNational(d)
	}
	switch {
	case d[0] == '0':
		nat := d[1:]
		if strings.HasPrefix(nat, "1") && !strings.HasPrefix(nat, "10") {
			// a mobile dialled with a trunk 0 (013800138000)
			j := p.mobile(nat)
			if j.st == whole {
				j.fix = "phone.trunk_zero_removed"
			}
			return j
		}
		return p.landline(nat)
	case d[0] == '1':
		return p.mobile(d)
	case strings.HasPrefix(d, "86") && len(d) > 2:
		if len(d) <= 8 {
			return judgement{st: partial} // a local number, or 86 followed by more
		}
		j := p.national(d[2:])
		if j.st == whole {
			j.fix = ""
		}
		return j
	case strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800"):
		return p.service(d)
	case len(d) <= 8:
		return judgement{st: partial} // a local number without area code, or the start of one
	}
	// 9 to 11 digits starting 2-9: an area code written without its trunk 0,
	// as a numeric spreadsheet cell leaves it (57188881234).
	j := p.landline(d)
	switch {
	case j.st == whole && j.fix == RuleLandlineLength:
		return badf("phone.why.digits", strconv.Itoa(len(d))) // too much guessing
	case j.st == whole:
		j.fix = RuleTrunkZeroAdded
	}
	return j
}

// national judges a Chinese national number written after the country code.
func (p *Parser) national(nat string) judgement {
	switch {
	case nat == "":
		return judgement{st: partial}
	case nat[0] == '0':
		return p.landline(nat[1:]) // +86 0571 …: a trunk 0 that should not be there
	case nat[0] == '9' && len(nat) <= 6:
		return judgement{st: partial} // perhaps a short service number (+8695588)
	case nat[0] == '1' && !strings.HasPrefix(nat, "10"):
		return p.mobile(nat)
	case strings.HasPrefix(nat, "400") || strings.HasPrefix(nat, "800"):
		return p.service(nat)
	}
	return p.landline(nat)
}

// mobile judges an 11-digit Chinese mobile, or the start of one.
func (p *Parser) mobile(d string) judgement {
	switch {
	case len(d) < 11:
		return judgement{st: partial}
	case len(d) > 11:
		return badf("phone.why.mobile_length", strconv.Itoa(len(d)))
	}
	if isMobile([]byte(d[:5])) {
		return judgement{st: whole, typ: record.Mobile, e164: "+86" + d}
	}
	if j := p.slow("+86" + d); j.st == whole {
		return j
	}
	return badf("phone.why.mobile_prefix", d[:3])
}

// service judges a 400/800 number: ten digits.
func (p *Parser) service(d string) judgement {
	switch {
	case len(d) < 10:
		return judgement{st: partial}
	case len(d) > 10:
		return badf("phone.why.prefix_length", strconv.Itoa(len(d)), d[:3])
	}
	if j := p.slow("+86" + d); j.st == whole {
		return j
	}
	return badf("phone.why.prefix_invalid", d[:3])
}

// landline judges area code + subscriber number, without the trunk 0.
func (p *Parser) landline(nat string) judgement {
	code, a, ok := lookupArea(nat)
	switch {
	case code == "":
		return judgement{st: partial}
	case !ok:
		return badf("phone.why.area_unknown", code)
	}
	sub := nat[len(code):]
	max := a.maxLen()
	switch {
	case len(sub) > 8:
		return badf("phone.why.area_too_long", strconv.Itoa(len(sub)), code, strconv.Itoa(max))
	case len(sub) < 6:
		return judgement{st: partial}
	}
	switch a.subscriber(sub) {
	case yes:
		return judgement{st: whole, typ: record.Landline, e164: "+86" + nat, area: code}
	case ask:
		if j := p.slow("+86" + nat); j.st == whole {
			if j.typ == record.Landline {
				j.area = code
			}
			return j
		}
	}
	if len(sub) < max {
		return judgement{st: partial}
	}
	return lenient(code, a, sub)
}

// lenient keeps a landline whose subscriber number has 7 or 8 digits, as
// Chinese numbers do, but a length phonenumbers does not list for its area
// code: cities have moved from 7 to 8 digits over the years and the
// metadata lags some of them. It comes back with a warning, not dropped.
func lenient(code string, a areaCode, sub string) judgement {
	if keptLength(sub) {
		return lengthWarning(code, "+86"+code+sub)
	}
	if lens := a.lengths(); !strings.Contains(lens, strconv.Itoa(len(sub))) {
		return badf("phone.why.area_length", strconv.Itoa(len(sub)), code, lens)
	}
	return badf("phone.why.area_invalid", sub, code)
}

// keptLength reports whether lenient keeps a subscriber number it finds
// no valid shape for: 7 or 8 digits, not starting 0 or 1.
func keptLength(sub string) bool {
	return (len(sub) == 7 || len(sub) == 8) && sub[0] >= '2' && sub[0] <= '9'
}

// lengthWarning is lenient's judgement of a kept number; e164 is
// "+86"+code+sub. lengthIssue words the warning.
func lengthWarning(code, e164 string) judgement {
	return judgement{st: whole, typ: record.Landline, e164: e164, area: code, fix: RuleLandlineLength}
}

// partialLandline settles a national number that stayed too short: a
// landline with a 7-digit subscriber number where 8 are usual.
func partialLandline(nat string) (judgement, bool) {
	code, a, ok := lookupArea(nat)
	if !ok {
		return judgement{}, false
	}
	j := lenient(code, a, nat[len(code):])
	return j, j.st == whole
}

// international judges the digits after '+' or 00.
func (p *Parser) international(d string) judgement {
	if strings.HasPrefix(d, "86") {
		return p.national(d[2:])
	}
	if len(d) < 8 {
		return judgement{st: partial}
	}
	if j := p.slow("+" + d); j.st == whole {
		return j
	}
	if len(d) < 15 {
		return judgement{st: partial}
	}
	return badf("phone.why.intl_invalid")
}

// foreignNational judges a number without country code when the default
// region is not China: phonenumbers decides everything.
func (p *Parser) foreignNational(d string) judgement {
	num, err := phonenumbers.Parse(d, p.region)
	if err == nil && phonenumbers.IsValidNumber(num) {
		return p.classify(num)
	}
	if len(d) < 15 {
		return judgement{st: partial}
	}
	return badf("phone.why.region_invalid", p.region)
}

// slow asks phonenumbers about an E.164-style string.
func (p *Parser) slow(s string) judgement {
	num, err := phonenumbers.Parse(s, p.region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return judgement{st: bad}
	}
	return p.classify(num)
}

// classify turns a valid phonenumbers number into a judgement.
func (p *Parser) classify(num *phonenumbers.PhoneNumber) judgement {
	j := judgement{st: whole, e164: phonenumbers.Format(num, phonenumbers.E164), typ: record.Other}
	if num.GetCountryCode() != int32(p.cc) {
		return j // valid foreign numbers are "other", whatever their kind
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE:
		j.typ = record.Mobile
	case phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE:
		j.typ = record.Landline
	case phonenumbers.TOLL_FREE, phonenumbers.SHARED_COST, phonenumbers.UAN, phonenumbers.PREMIUM_RATE:
		j.typ = record.Service
	}
	return j
}

// shortService reports whether digits are a Chinese short service number
// such as 95588 or 12345 (5 or 6 digits; three-digit emergency numbers are
// not customer phone numbers).
func (p *Parser) shortService(d string) bool {
	if !p.cn || len(d) < 5 || len(d) > 6 || (d[0] != '9' && d[0] != '1') {
		return false
	}
	num, err := phonenumbers.Parse(d, "CN")
	return err == nil && phonenumbers.IsValidShortNumberForRegion(num, "CN")
}
