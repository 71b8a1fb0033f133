package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/idnumber"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

// HeaderScan is how many rows from the top of a sheet are searched for the header.
const HeaderScan = 30

// SampleRows is how many data rows below the header are used to recognise
// columns by their content.
const SampleRows = 200

// Column is one column of a sheet and the field it maps to.
type Column struct {
	Index     int    // 0-based
	Header    string // as written
	Field     string // canonical field; "" for an extra attribute
	Evidence  string // BySynonym, ByPartial, ByPin, ByContent, Unmapped, BySensible
	Detail    string // e.g. "92% of 48 values look like mobile numbers"
	Sensitive bool   // dropped (or kept in clean.csv only, per the rules)
	// Warning is set on a column mapped to a field whose values are
	// mostly identity or bank card numbers: it is kept (a 会员卡号 used as
	// source_id), and crmclean inspect shows why a person should look.
	Warning string
}

// Letter returns the column's spreadsheet letters.
func (c Column) Letter() string { return record.ColumnName(c.Index) }

// Layout is the structure found in a sheet.
type Layout struct {
	HeaderRow int // Excel row number of the header; 0 when none was found
	Columns   []Column
	// PersonList is set when the sheet has no customer-name column but a
	// person's name column: each row's person is the customer.
	PersonList bool
}

// Field returns the columns mapped to field.
func (l *Layout) Field(field string) []Column {
	var out []Column
	for _, c := range l.Columns {
		if c.Field == field {
			out = append(out, c)
		}
	}
	return out
}

// Mapper detects layouts and classifies rows with one rule set.
type Mapper struct {
	headers    *Headers
	noise      []string // compact noise markers, for prefixes
	exactNoise []string // the same without a trailing colon, for whole cells
	maxNoise   int      // longest marker in bytes
	firstRunes map[rune]bool
	firstASCII [utf8.RuneSelf]bool  // firstRunes below utf8.RuneSelf, as a table
	firstBMP   [1 << 16 / 64]uint64 // firstRunes below U+10000, as a bit set
}

// New returns a Mapper for the rules r.
func New(r *rules.Rules) *Mapper {
	m := &Mapper{headers: NewHeaders(r)}
	for _, n := range r.NoiseMarkers {
		k := compact(n)
		m.noise = append(m.noise, k)
		m.exactNoise = append(m.exactNoise, strings.TrimRight(k, ":："))
		m.maxNoise = max(m.maxNoise, len(k))
	}
	m.firstRunes = map[rune]bool{}
	for _, k := range m.noise {
		if k == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(k)
		m.firstRunes[r] = true
		if r < utf8.RuneSelf {
			m.firstASCII[r] = true
		}
		if r < 1<<16 {
			m.firstBMP[r/64] |= 1 << (r % 64)
		}
	}
	return m
}

// Headers returns the mapper's header index.
func (m *Mapper) Headers() *Headers { return m.headers }

// Detect finds the header among the first rows of a sheet and maps its
// columns. rows holds the sheet's first rows in order (at least the first
// HeaderScan rows, and up to SampleRows data rows after them for content
// evidence). rel is the file's relative path, for pinned mappings. ok is
// false when no header could be found.
func (m *Mapper) Detect(rel string, rows []source.Row) (l Layout, ok bool) {
	best, bestScore := -1, 0
	for i, r := range rows {
		if r.Num > HeaderScan && best >= 0 {
			break
		}
		if i >= HeaderScan {
			break
		}
		score := m.headerScore(rel, r)
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 || bestScore < 2 {
		best = m.fallbackHeader(rows)
		if best < 0 {
			return Layout{}, false
		}
	}
	hdr := rows[best]
	l.HeaderRow = hdr.Num
	data := rows[best+1:]
	for i, c := range hdr.Cells {
		h := strings.TrimSpace(c.Text)
		if h == "" {
			if hasValues(data, i) {
				col := Column{Index: i, Header: "", Evidence: Unmapped}
				m.byContent(&col, data)
				l.Columns = append(l.Columns, col)
			}
			continue
		}
		col := Column{Index: i, Header: h}
		switch f, pinned := m.headers.Pinned(rel, h); {
		case pinned:
			col.Field, col.Evidence = f, ByPin
			warnSensitive(&col, data)
		case m.headers.Sensitive(h):
			col.Evidence, col.Sensitive = BySensible, true
		default:
			col.Field, col.Evidence = m.headers.Lookup(h)
			if col.Field == "" {
				m.byContent(&col, data)
			} else {
				warnSensitive(&col, data)
			}
		}
		l.Columns = append(l.Columns, col)
	}
	// Columns beyond the header's last cell that hold values.
	maxCells := len(hdr.Cells)
	for _, r := range data {
		if len(r.Cells) > maxCells {
			maxCells = len(r.Cells)
		}
	}
	for i := len(hdr.Cells); i < maxCells; i++ {
		if hasValues(data, i) {
			col := Column{Index: i, Evidence: Unmapped}
			m.byContent(&col, data)
			l.Columns = append(l.Columns, col)
		}
	}
	l.PersonList = len(l.Field("name")) == 0 && len(l.Field("contact")) > 0
	return l, true
}

// headerScore counts the distinct fields a row's cells map to by header
// text; rows holding data values (digits, long texts) score lower.
func (m *Mapper) headerScore(rel string, r source.Row) int {
	seen := map[string]bool{}
	for _, c := range r.Cells {
		t := strings.TrimSpace(c.Text)
		if t == "" || c.Type != source.Text || len([]rune(t)) > 20 {
			continue
		}
		f, pinned := m.headers.Pinned(rel, t)
		if !pinned {
			f, _ = m.headers.Lookup(t)
		}
		if f == "" && m.headers.Sensitive(t) {
			f = "sensitive:" + t
		}
		if f != "" {
			seen[f] = true
		}
	}
	return len(seen)
}

// fallbackHeader picks, when no row names two known fields, the first row
// of short texts that has at least two cells and a data row below it.
func (m *Mapper) fallbackHeader(rows []source.Row) int {
	for i, r := range rows {
		if i >= HeaderScan || i+1 >= len(rows) {
			break
		}
		n, texty := 0, true
		for _, c := range r.Cells {
			t := strings.TrimSpace(c.Text)
			if t == "" {
				continue
			}
			n++
			if c.Type != source.Text || len([]rune(t)) > 20 || text.AllDigits(t) {
				texty = false
			}
		}
		if n >= 2 && texty {
			return i
		}
	}
	return -1
}

// byContent recognises an unmapped column from its values. A column of
// identity or bank card numbers is sensitive whatever its header: its
// 18-digit values would otherwise pass for 统一社会信用代码.
func (m *Mapper) byContent(col *Column, data []source.Row) {
	if kind, detail := sensitiveContent(col.Index, data); kind != idnumber.None {
		col.Field, col.Evidence, col.Detail, col.Sensitive = "", BySensitiveContent, detail, true
		return
	}
	counts := map[string]int{}
	total := 0
	for i, r := range data {
		if i >= SampleRows {
			break
		}
		if col.Index >= len(r.Cells) {
			continue
		}
		v := strings.TrimSpace(r.Cells[col.Index].Text)
		if v == "" {
			continue
		}
		total++
		if k := ValueKind(v); k != "" {
			counts[k]++
		}
	}
	col.Field, col.Evidence = "", Unmapped
	if total < 3 {
		return
	}
	for _, k := range []string{"phone", "email", "uscc", "created_at"} {
		if share := float64(counts[k]) / float64(total); share >= contentShare {
			col.Field, col.Evidence = k, ByContent
			col.Detail = fmt.Sprintf("%.0f%% of %d values look like %s", 100*share, total, kindLabel[k])
			return
		}
	}
}

// sensitiveContent reports whether most sampled values of column index
// (at least minSensitive of them) are identity numbers or bank card
// numbers, with a description such as "95% of 40 values are bank card
// numbers".
func sensitiveContent(index int, data []source.Row) (idnumber.Kind, string) {
	var counts [3]int
	total := 0
	for i, r := range data {
		if i >= SampleRows {
			break
		}
		if index >= len(r.Cells) {
			continue
		}
		v := strings.TrimSpace(r.Cells[index].Text)
		if v == "" {
			continue
		}
		total++
		counts[idnumber.Classify(v)]++
	}
	if total < minSensitive {
		return idnumber.None, ""
	}
	for _, k := range []idnumber.Kind{idnumber.ResidentID, idnumber.Card} {
		if share := float64(counts[k]) / float64(total); share >= contentShare {
			return k, fmt.Sprintf("%.0f%% of %d values are %s", 100*share, total, k)
		}
	}
	return idnumber.None, ""
}

// warnSensitive sets the Warning of a column mapped to a field whose values
// are mostly identity or bank card numbers.
func warnSensitive(col *Column, data []source.Row) {
	if kind, detail := sensitiveContent(col.Index, data); kind != idnumber.None {
		col.Warning = detail + ": personal data, kept because the column is mapped to " + fieldLabel(col.Field) +
			"; if it is not, name its header in the rules' sensitive headers"
	}
}

func fieldLabel(f string) string {
	if f == "" {
		return "an extra column by the rules"
	}
	return f
}

// minSensitive is how many non-empty values a column needs before its
// content can make it sensitive; contentShare the share of them that must
// be of one kind (as for the other kinds of content).
const (
	minSensitive = 3
	contentShare = 0.6
)

var kindLabel = map[string]string{"phone": "phone numbers", "email": "e-mail addresses", "uscc": "unified social credit codes", "created_at": "dates"}

// ValueKind guesses what a single value is: "phone", "email", "uscc",
// "created_at" or "".
func ValueKind(v string) string {
	v = norm.NFKC.String(v)
	if at := strings.IndexByte(v, '@'); at > 0 && strings.Contains(v[at:], ".") && !strings.ContainsAny(v, " ，,") {
		return "email"
	}
	digits, other, han := 0, 0, 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.Is(unicode.Han, r):
			han++
		case strings.ContainsRune("+-() ./、;；,，#转xX:：", r):
		default:
			other++
		}
	}
	if len(v) == 18 && other <= 8 && han == 0 && digits >= 8 && isUSCCShape(v) {
		return "uscc"
	}
	if looksDate(v) {
		return "created_at"
	}
	if digits >= 7 && other <= 4 && han <= 6 && digits*2 >= len([]rune(v))-han {
		return "phone"
	}
	return ""
}

func isUSCCShape(v string) bool {
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func looksDate(v string) bool {
	if strings.Contains(v, "年") && strings.Contains(v, "月") {
		return true
	}
	// 2023-01-05, 2023/1/5, 2023.01.05 with an optional time.
	if len(v) < 8 || v[0] < '1' || v[0] > '2' || !text.AllDigits(v[:4]) {
		return false
	}
	sep := v[4]
	return (sep == '-' || sep == '/' || sep == '.') && strings.Count(v[:min(len(v), 10)], string(sep)) == 2
}

// Noise says why a row below the header is not customer data, or "" when it
// may be. header is the sheet's header row.
func (m *Mapper) Noise(r source.Row, header source.Row) string {
	if r.Blank() {
		return msg.Text("en", "skip.blank")
	}
	var first string
	nonEmpty, sameAsHeader, headerCells := 0, 0, 0
	for i, c := range r.Cells {
		t := strings.TrimSpace(c.Text)
		if i < len(header.Cells) {
			if h := header.Cells[i].Text; !text.Blank(h) {
				headerCells++
				// A trimmed header is no longer than h: most cells are not
				// compared at all.
				if t != "" && len(t) <= len(h) && t == strings.TrimSpace(h) {
					sameAsHeader++
				}
			}
		}
		if t == "" {
			continue
		}
		nonEmpty++
		if first == "" {
			first = t
		}
		if isTotalCell(t) || m.mayBeMarker(t) && m.isMarker(t, true) {
			return msg.Text("en", "skip.footer", quoteShort(t))
		}
	}
	if m.mayBeMarker(first) && m.isMarker(first, false) {
		return msg.Text("en", "skip.note", quoteShort(first))
	}
	if sameAsHeader >= 2 && sameAsHeader*2 >= nonEmpty {
		return msg.Text("en", "skip.repeated_header")
	}
	return ""
}

// totalWords end a subtotal label such as "云南省 小计" or "华东区合计：".
var totalWords = []string{"小计", "合计", "总计", "共计"}

// The last UTF-8 bytes of 计 (all totalWords end with it), of ： and of
// U+3000, for isTotalCell's first test.
var (
	totalLastByte = "计"[len("计")-1]
	trimLastByte1 = "："[len("：")-1]
	trimLastByte2 = "\u3000"[len("\u3000")-1]
)

// isTotalCell reports whether a short cell ends with a total word.
func isTotalCell(t string) bool {
	if len(t) > 48 || len(t) == 0 {
		return false
	}
	// Most cells end in a byte that ends neither a total word (计) nor a
	// trimmed rune: they are not totals, without trimming.
	switch t[len(t)-1] {
	case totalLastByte, ' ', '\t', ':', trimLastByte1, trimLastByte2:
	default:
		return false
	}
	k := strings.TrimRight(t, " \t:：\u3000")
	for _, w := range totalWords {
		if strings.HasSuffix(k, w) {
			return true
		}
	}
	return false
}

// mayBeMarker is a cheap test that rules out most cells before isMarker:
// a marker starts with one of the markers' first characters (or a
// full-width form of one).
func (m *Mapper) mayBeMarker(t string) bool {
	for _, r := range t {
		if unicode.IsSpace(r) {
			continue
		}
		if r < utf8.RuneSelf {
			return m.firstASCII[unicode.ToLower(r)]
		}
		if r >= 0xFF00 {
			return true
		}
		if !(r >= 0x4E00 && r <= 0x9FFF) { // CJK unified ideographs have no case
			r = unicode.ToLower(r)
		}
		if r < 1<<16 {
			return m.firstBMP[r/64]&(1<<(r%64)) != 0
		}
		return m.firstRunes[r]
	}
	return false
}

// isMarker reports whether t is (exact) or starts with (prefix) a noise marker.
func (m *Mapper) isMarker(t string, exact bool) bool {
	if exact && len(t) > 2*m.maxNoise+8 {
		return false // far longer than any marker, even with spaces and a colon
	}
	k := compact(t)
	if exact {
		k = strings.TrimRight(k, ":：")
		for _, n := range m.exactNoise {
			if k == n {
				return true
			}
		}
		return false
	}
	for _, n := range m.noise {
		if strings.HasPrefix(k, n) {
			return true
		}
	}
	return false
}

// compact lower-cases s, folds full-width forms and removes white space.
func compact(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), "")
}

func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 24 {
		s = string(r[:24]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func hasValues(rows []source.Row, col int) bool {
	for i, r := range rows {
		if i >= SampleRows {
			break
		}
		if col < len(r.Cells) && strings.TrimSpace(r.Cells[col].Text) != "" {
			return true
		}
	}
	return false
}
