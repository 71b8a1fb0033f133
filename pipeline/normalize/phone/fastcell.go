package phone

import (
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
)

// messyCell is the fast path of Parse for the untidy cells after plain
// mobiles and landlines that phone columns hold most: a mobile with a note
// in brackets (13800138000(微信同号)), a mobile after 86 without '+'
// (8613800138000), a mobile in full-width digits, a mobile one or two
// digits short, and a list of plain mobiles and landlines
// (13800138000/0571-88881234). It gives what parse gives, or false for
// anything else, which parse then reads.
func (p *Parser) messyCell(cell string, ctx Context) (Result, bool) {
	if !p.cn || len(cell) < 9 {
		return Result{}, false
	}
	if cell[0] == '8' {
		return p.after86(cell)
	}
	if cell[0] == 0xEF {
		return fullWidthMobile(cell)
	}
	if cell[0] != '1' {
		return p.list(cell, ctx)
	}
	if len(cell) <= 10 {
		return shortMobile(cell)
	}
	if len(cell) > 11 && allDigits(cell[:11]) {
		if cell[11] == '(' || strings.HasPrefix(cell[11:], "（") {
			return p.noted(cell)
		}
	}
	return p.list(cell, ctx)
}

// mobile11 reads s as exactly 11 ASCII digits of a Chinese mobile.
func mobile11(s string) (e164 string, ok bool) {
	if len(s) != 11 || s[0] != '1' || !allDigits(s) {
		return "", false
	}
	return plainMobile(s)
}

// after86 reads 8613800138000, 86-13800138000 and 86 13800138000: the
// whole cell is the input.
func (p *Parser) after86(cell string) (Result, bool) {
	rest, ok := strings.CutPrefix(cell, "86")
	if !ok || len(rest) < 11 {
		return Result{}, false
	}
	if len(rest) == 12 && (rest[0] == '-' || rest[0] == ' ') {
		rest = rest[1:]
	}
	e164, ok := mobile11(rest)
	if !ok {
		return Result{}, false
	}
	return Result{Phones: []record.Phone{{E164: e164, Type: record.Mobile, Col: -1, Input: cell}}}, true
}

// fullWidthMobile reads a mobile written in eleven full-width digits
// (１３８００１３８０００): the cell is the input.
func fullWidthMobile(cell string) (Result, bool) {
	if len(cell) != 33 {
		return Result{}, false
	}
	var d [11]byte
	for i := range d {
		c0, c1, c2 := cell[3*i], cell[3*i+1], cell[3*i+2]
		if c0 != 0xEF || c1 != 0xBC || c2 < 0x90 || c2 > 0x99 { // U+FF10–U+FF19
			return Result{}, false
		}
		d[i] = '0' + c2 - 0x90
	}
	e164, ok := mobile11(string(d[:]))
	if !ok {
		return Result{}, false
	}
	return Result{Phones: []record.Phone{{E164: e164, Type: record.Mobile, Col: -1, Input: cell}}}, true
}

// shortMobile reports a run of nine or ten digits that starts like a
// mobile (13…–19…) as one or two digits short.
func shortMobile(cell string) (Result, bool) {
	if len(cell) < 9 || len(cell) > 10 || cell[1] < '3' || !allDigits(cell) {
		return Result{}, false
	}
	var short []string
	if len(cell) == 10 {
		short = []string{cell}
	}
	why := msg.Nested("phone.why.mobile_length", strconv.Itoa(len(cell)))
	return Result{Issues: []record.Issue{record.NewIssue(record.Issue{Col: -1, Value: cell, Rule: RuleInvalid, Severity: record.Warning},
		msg.New("phone.invalid", cell, why))}, Short: short}, true
}

// noted reads a mobile of eleven digits followed by a note in brackets, as
// in 13800138000(微信同号) or 13800138000（手机）: the note marks the number
// as the customer's own when it carries an own marker.
func (p *Parser) noted(cell string) (Result, bool) {
	e164, ok := mobile11(cell[:11])
	if !ok {
		return Result{}, false
	}
	rest := cell[11:]
	switch {
	case rest[0] == '(':
		rest = rest[1:]
	default:
		rest = rest[len("（"):]
	}
	var word string
	switch {
	case strings.HasSuffix(rest, ")"):
		word = rest[:len(rest)-1]
	case strings.HasSuffix(rest, "）"):
		word = rest[:len(rest)-len("）")]
	default:
		return Result{}, false
	}
	if !text.AllHan(word) || extWords[word] {
		return Result{}, false
	}
	return Result{Phones: []record.Phone{{E164: e164, Type: record.Mobile, Own: p.isOwn(word), Col: -1, Input: cell[:11]}}}, true
}

// listSeps are the separators list reads between numbers.
var listSeps = []string{"/", "、", ",", "，", ";", "；", " "}

// list reads two to four plain numbers with one separator between them:
// 13800138000/0571-88881234, 13800138000 13900139000,
// 13800138000、13900139000. Numbers separated by a space must be mobiles.
// A number repeated in the cell is kept once.
func (p *Parser) list(cell string, ctx Context) (Result, bool) {
	sep := ""
	for _, s := range listSeps {
		if strings.Contains(cell, s) {
			if sep != "" {
				return Result{}, false // two kinds of separator
			}
			sep = s
		}
	}
	if sep == "" {
		return Result{}, false
	}
	n := strings.Count(cell, sep) + 1
	if n > 4 {
		return Result{}, false
	}
	if strings.HasPrefix(cell, sep) || strings.HasSuffix(cell, sep) {
		return Result{}, false
	}
	res := Result{Phones: make([]record.Phone, 0, n)}
	for rest := cell; rest != ""; {
		piece, after, _ := strings.Cut(rest, sep)
		rest = after
		if piece == "" {
			return Result{}, false // two separators in a row
		}
		var ph record.Phone
		if e164, ok := mobile11(piece); ok {
			ph = record.Phone{E164: e164, Type: record.Mobile, Col: -1, Input: piece}
		} else if sep == " " {
			return Result{}, false
		} else if j, ok := p.plainLandlineJudgement(piece); ok {
			ph = record.Phone{E164: j.e164, Type: record.Landline, Col: -1, Input: piece}
			c := cellParse{p: p, ctx: ctx, res: &res}
			c.landlineIssues(j, piece)
		} else {
			return Result{}, false
		}
		if !hasPhone(res.Phones, ph.E164) {
			res.Phones = append(res.Phones, ph)
		}
	}
	return res, true
}

// hasPhone reports whether phones holds e164 without an extension.
func hasPhone(phones []record.Phone, e164 string) bool {
	for _, ph := range phones {
		if ph.E164 == e164 && ph.Ext == "" {
			return true
		}
	}
	return false
}
