package phone

import (
	"strings"
	"unicode"
)

// gap says what stands between a digit group and the one before it.
type gap uint8

const (
	gapNone  gap = iota // first group, or the groups touch
	gapSpace            // only white space
	gapDash             // a '-' (possibly with spaces), the usual extension separator
	gapPunct            // other punctuation: dots, brackets, quotes
	gapExt              // an extension word: 转, 分机, ext, x, #
)

// group is a run of digits in a cell.
type group struct {
	digits   string
	start    int  // rune offset of the group (of its '+' when plus)
	end      int  // rune offset just after the last digit
	plus     bool // written with a leading '+'
	gap      gap
	joinable bool // nothing but separators since the previous group
	masked   bool // digits mixed with '*' (138****8000)
	seg      int  // segment: groups split by / 、 ; , or a new line are in different segments
}

// note is a run of words in a cell that is not an extension marker:
// 微信同号, 手机:, (宅), Tel.
type note struct {
	text        string // lower-cased
	pos         int    // number of groups before the note
	seg         int
	colon       bool // followed by ':'
	paren       bool // inside brackets
	spaceBefore bool // preceded by white space or a separator
}

// Extension words, lower case.
var extWords = map[string]bool{
	"转": true, "分机": true, "分机号": true, "转分机": true, "内线": true, "转内线": true,
	"ext": true, "extn": true, "extension": true, "x": true, "#": true,
}

// narrow maps full-width and typographic characters to their ASCII
// counterparts; everything else is returned unchanged.
func narrow(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	switch r {
	case '‐', '‑', '‒', '–', '—', '―', '﹣', '−', '－':
		return '-'
	case '【', '〔', '〈', '《':
		return '('
	case '】', '〕', '〉', '》':
		return ')'
	case '\u00a0', '\u200b', '\ufeff':
		return ' '
	}
	return r
}

func isHardSep(r rune) bool {
	switch r {
	case '/', '、', ';', ',', '\n', '\r', '|', '\\', '。', '&':
		return true
	}
	return false
}

// lex splits a cell (already narrowed, as runes) into digit groups and notes.
func lex(rs []rune) (groups []group, notes []note) {
	var (
		seg         int
		pending     = gapNone
		plusAt      = -1
		broken      = true // a note or separator since the last group
		sepBefore   = true // white space or a separator just before the current position
		inParen     = 0
		lastWasNote = false
	)
	mark := func(g gap) {
		if g > pending {
			pending = g
		}
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r >= '0' && r <= '9' || r == '*' && i+1 < len(rs) && (rs[i+1] >= '0' && rs[i+1] <= '9' || rs[i+1] == '*'):
			j := i
			masked := false
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == '*') {
				masked = masked || rs[j] == '*'
				j++
			}
			g := group{start: i, end: j, gap: pending, joinable: !broken, masked: masked, seg: seg}
			if plusAt >= 0 {
				g.plus, g.start = true, plusAt
			}
			var b strings.Builder
			b.Grow(j - i)
			for _, d := range rs[i:j] {
				if d != '*' {
					b.WriteRune(d)
				}
			}
			g.digits = b.String()
			if masked {
				g.joinable = false
			}
			groups = append(groups, g)
			pending, plusAt, broken, sepBefore, lastWasNote = gapNone, -1, masked, false, false
			i = j
			continue
		case r == '+':
			plusAt = i
			mark(gapPunct)
		case r == ' ' || r == '\t':
			mark(gapSpace)
			sepBefore = true
		case r == '-' || r == '~' || r == '_':
			mark(gapDash)
			sepBefore = true
		case r == '(' || r == '[' || r == '{':
			inParen++
			mark(gapPunct)
			sepBefore = true
		case r == ')' || r == ']' || r == '}':
			if inParen > 0 {
				inParen--
			}
			mark(gapPunct)
			sepBefore = true
		case r == ':':
			if lastWasNote && len(notes) > 0 {
				notes[len(notes)-1].colon = true
			}
			mark(gapPunct)
			sepBefore = true
		case isHardSep(r):
			seg++
			broken, sepBefore, pending, plusAt = true, true, gapNone, -1
		case r == '#':
			pending = gapExt
			sepBefore = true
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) && !(rs[j] >= '0' && rs[j] <= '9') {
				j++
			}
			word := strings.ToLower(string(rs[i:j]))
			if extWords[word] {
				pending = gapExt
				sepBefore = true
				lastWasNote = false
			} else {
				notes = append(notes, note{text: word, pos: len(groups), seg: seg, paren: inParen > 0, spaceBefore: sepBefore || len(groups) == 0})
				broken, pending, plusAt, sepBefore, lastWasNote = true, gapNone, -1, false, true
			}
			i = j
			continue
		default:
			// dots, quotes, '=' and other punctuation separate digits softly
			mark(gapPunct)
			sepBefore = true
		}
		if r != ':' && r != ' ' && r != '\t' {
			lastWasNote = false
		}
		i++
	}
	return groups, notes
}
