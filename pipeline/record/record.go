// Package record holds crmclean's domain types: a source row with its
// provenance, the issues found in it, and its normalized values. Every stage
// of the pipeline reads and extends these types; none of them is lost on the
// way, so any output can point a person back to the cell it came from.
package record

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
)

// Provenance says where a row came from, as a person opening the file sees it.
type Provenance struct {
	File  string // path relative to the folder given, "/"-separated
	Sheet string // sheet name for workbooks, empty for CSV
	Row   int    // 1-based row number as Excel shows it (title and blank rows counted)
	// RowEnd is the last row of a run of rows accounted for together (blank
	// rows; rows not read after damage) when it holds more than one; else 0.
	RowEnd int
}

func (p Provenance) String() string {
	rows := fmt.Sprintf("row %d", p.Row)
	if p.RowEnd > p.Row {
		rows = fmt.Sprintf("rows %d-%d", p.Row, p.RowEnd)
	}
	if p.Sheet == "" {
		return fmt.Sprintf("%s, %s", p.File, rows)
	}
	return fmt.Sprintf("%s, sheet %q, %s", p.File, p.Sheet, rows)
}

// Rows returns how many rows p covers: 1, or those of a run up to RowEnd.
func (p Provenance) Rows() int {
	if p.RowEnd > p.Row {
		return p.RowEnd - p.Row + 1
	}
	return 1
}

// Compare orders provenances by file, sheet and row: the order of
// lineage.csv. It returns -1, 0 or +1.
func (p Provenance) Compare(q Provenance) int {
	return cmp.Or(strings.Compare(p.File, q.File), strings.Compare(p.Sheet, q.Sheet), cmp.Compare(p.Row, q.Row))
}

// Field names of the canonical customer model.
const (
	FieldName      = "name"
	FieldContact   = "contact"
	FieldPhone     = "phone"
	FieldSourceID  = "source_id"
	FieldEmail     = "email"
	FieldProvince  = "province"
	FieldCity      = "city"
	FieldDistrict  = "district"
	FieldAddress   = "address"
	FieldCreatedAt = "created_at"
	FieldOwner     = "owner"
	// FieldOwnerPhone is the phone of the staff member who owns the
	// customer (负责人电话): never the customer's, and a number that is
	// one is nobody's own in a customer's phone column.
	FieldOwnerPhone = "owner_phone"
	FieldNotes      = "notes"
	FieldUSCC       = "uscc"
	FieldGender     = "gender"
	FieldTitle      = "title"
	FieldSeq        = "seq" // a row counter such as 序号: carried, never matched on
)

// Column describes one column of a sheet: the field it is mapped to, its
// header and its index. Every value read from the column points at one
// Column, so that a row holds these once per sheet rather than once per
// cell (they were 40 of a value's 72 bytes, at about seven values a row).
type Column struct {
	Field  string // canonical field; empty for an unmapped (extra) column
	Header string // the header text as written in the sheet
	Index  int    // 0-based column index
	// raw is set only on the copy of a column that one value whose text as
	// read differs from its cleaned text points at (see Column.Value).
	raw    string
	hasRaw bool
}

// Value is one mapped cell of a row: its cleaned text, and its column with
// the text as read when that differs. Build one with Column.Value or
// NewValue; the zero Value is an empty cell of no column.
type Value struct {
	text string
	col  *Column
}

// NewValue returns the value of one cell: field, 0-based column index and
// header of its column, its cleaned text and its text as read. It gives
// the value a column of its own: values of one column read together share
// one with Column.Value.
func NewValue(field string, col int, header, text, raw string) Value {
	c := &Column{Field: field, Header: header, Index: col}
	return c.Value(text, raw)
}

// Value returns the value of a cell of column c with its cleaned text and
// its text as read. It shares c when the two texts are equal (most cells);
// else it points at a copy of c that holds raw.
func (c *Column) Value(text, raw string) Value {
	if raw != text {
		own := *c
		own.raw, own.hasRaw = raw, true
		return Value{text: text, col: &own}
	}
	return Value{text: text, col: c}
}

// WithText returns v with other texts, in the same column.
func (v Value) WithText(text, raw string) Value {
	if v.col == nil {
		return NewValue("", 0, "", text, raw)
	}
	c := *v.col
	c.raw, c.hasRaw = "", false
	return c.Value(text, raw)
}

// Text returns the cell text after basic cleaning (placeholders emptied,
// ditto resolved).
func (v Value) Text() string { return v.text }

// Raw returns the cell text exactly as read.
func (v Value) Raw() string {
	if v.col != nil && v.col.hasRaw {
		return v.col.raw
	}
	return v.text
}

// Field returns the canonical field of v's column; empty for an unmapped
// (extra) column.
func (v Value) Field() string {
	if v.col == nil {
		return ""
	}
	return v.col.Field
}

// Header returns the header text of v's column as written in the sheet.
func (v Value) Header() string {
	if v.col == nil {
		return ""
	}
	return v.col.Header
}

// Col returns v's 0-based column index.
func (v Value) Col() int {
	if v.col == nil {
		return 0
	}
	return v.col.Index
}

// Column returns the spreadsheet column letters of v (A, B, …, AA).
func (v Value) Column() string { return ColumnName(v.Col()) }

// ColumnName turns a 0-based column index into spreadsheet letters.
func ColumnName(col int) string {
	var b [8]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

// Severity of an issue.
type Severity string

const (
	Info    Severity = "info"    // a fix was applied; nothing for a person to do
	Warning Severity = "warning" // kept, but reported
	Error   Severity = "error"   // the row is rejected
)

// Issue is a data problem found in a row. Issues travel with the record;
// they never abort the run.
type Issue struct {
	Field    string   // canonical field concerned, if any
	Col      int      // 0-based column, -1 when the issue concerns the whole row
	Header   string   // header of the column, if any
	Value    string   // the original value concerned
	Rule     string   // short machine name, e.g. "phone.invalid", "address.ambiguous"
	Severity Severity // info, warning or error
	Message  string   // English description for people (Msg in English, when Msg is set)
	Msg      msg.Msg  // the message in the catalogue, to render in the run's language
	Fix      string   // the value after the fix, if one was applied
}

// NewIssue returns an issue whose message is m; Message is m in English.
func NewIssue(i Issue, m msg.Msg) Issue {
	i.Msg, i.Message = m, m.In("en")
	return i
}

// Text returns the issue's message in lang: from the catalogue when it has
// an id there, else the English text as written (a rules file's message).
func (i Issue) Text(lang string) string {
	if i.Msg.IsZero() {
		return i.Message
	}
	return i.Msg.In(lang)
}

// Column returns the spreadsheet column letters of the issue, or "" for a row issue.
func (i Issue) Column() string {
	if i.Col < 0 {
		return ""
	}
	return ColumnName(i.Col)
}

// Status of a row in lineage.csv.
type Status string

const (
	Kept     Status = "kept"
	Merged   Status = "merged"
	Rejected Status = "rejected"
	Skipped  Status = "skipped"
)

// Kind of customer.
type Kind string

const (
	Company Kind = "company"
	Person  Kind = "person"
)

// Phone is one normalized telephone number.
type Phone struct {
	E164  string // +8613800138000
	Ext   string // extension digits, if any
	Type  PhoneType
	Own   bool // marked as the customer's own (微信同号, 手机:)
	Col   int
	Input string // the text it came from
}

// PhoneType classifies a number.
type PhoneType string

const (
	Mobile   PhoneType = "mobile"
	Landline PhoneType = "landline"
	Service  PhoneType = "service" // 400/800 and 95xxx numbers
	Other    PhoneType = "other"
)

// Key renders the number as it appears in the phones column: E.164 with
// ";ext=NNN" when there is an extension.
func (p Phone) Key() string {
	if p.Ext == "" {
		return p.E164
	}
	return p.E164 + ";ext=" + p.Ext
}

// Normalized holds the cleaned, canonical values of a row. The fields few
// rows have (title, gender, short mobiles, owner phones) are behind
// accessors, in a part allocated only for a row that has one: 8 bytes a
// row, where they took 80 in every row.
type Normalized struct {
	Kind      Kind
	Name      string // display name
	NameKey   string // match key: legal form and region stripped
	Contact   string
	Phones    []Phone
	Emails    []string
	Province  string
	City      string
	District  string
	Address   string // detail after the district
	Adcode    string
	USCC      string // only when its check digit is valid
	CreatedAt string // YYYY-MM-DD or ISO 8601 date-time
	SourceIDs []string
	Owner     string
	Notes     string
	rare      *rareFields // nil when the row has none of them
}

// rareFields are the values of Normalized few rows have. A Normalized
// shares it when copied, so it is never changed in place: a setter makes
// a new one.
type rareFields struct {
	title, gender string
	// shortMobiles are mobiles written one digit short (ten digits from
	// 1), reported invalid: never output, compared by the matcher with
	// other rows' mobiles as a near match.
	shortMobiles []string
	// ownerPhones are the numbers in the row's owner_phone columns
	// (E.164): a sales rep's own, never the customer's.
	ownerPhones []string
}

// Title returns the contact's job title.
func (n *Normalized) Title() string {
	if n.rare == nil {
		return ""
	}
	return n.rare.title
}

// Gender returns the contact's gender as the rules spell it.
func (n *Normalized) Gender() string {
	if n.rare == nil {
		return ""
	}
	return n.rare.gender
}

// ShortMobiles returns the mobiles written one digit short (ten digits
// from 1), reported invalid: never output, compared by the matcher with
// other rows' mobiles as a near match.
func (n *Normalized) ShortMobiles() []string {
	if n.rare == nil {
		return nil
	}
	return n.rare.shortMobiles
}

// OwnerPhones returns the numbers in the row's owner_phone columns
// (E.164): a sales rep's own, never the customer's.
func (n *Normalized) OwnerPhones() []string {
	if n.rare == nil {
		return nil
	}
	return n.rare.ownerPhones
}

// SetTitle sets the contact's job title.
func (n *Normalized) SetTitle(t string) { n.setRare(func(r *rareFields) { r.title = t }) }

// SetGender sets the contact's gender.
func (n *Normalized) SetGender(g string) { n.setRare(func(r *rareFields) { r.gender = g }) }

// SetShortMobiles sets the mobiles written one digit short.
func (n *Normalized) SetShortMobiles(m []string) {
	n.setRare(func(r *rareFields) { r.shortMobiles = m })
}

// SetOwnerPhones sets the numbers of the row's owner_phone columns.
func (n *Normalized) SetOwnerPhones(p []string) { n.setRare(func(r *rareFields) { r.ownerPhones = p }) }

// setRare changes a copy of n's rare part and keeps it, or none when it
// holds nothing (so that equal values compare equal).
func (n *Normalized) setRare(change func(*rareFields)) {
	var r rareFields
	if n.rare != nil {
		r = *n.rare
	}
	change(&r)
	if r.title == "" && r.gender == "" && r.shortMobiles == nil && r.ownerPhones == nil {
		n.rare = nil
		return
	}
	n.rare = &r
}

// Mobiles returns the row's mobile numbers in E.164.
func (n *Normalized) Mobiles() []string {
	var out []string
	for _, p := range n.Phones {
		if p.Type == Mobile {
			out = append(out, p.E164)
		}
	}
	return out
}

// Record is one data row of a sheet on its way through the pipeline.
type Record struct {
	Prov        Provenance
	Fingerprint string  // stable row identity, see DESIGN.md
	Values      []Value // every non-empty cell, mapped or not
	Issues      []Issue
	Norm        Normalized
	Status      Status
	Reason      string
	CustomerID  string
	// SameAs is, for a row identical to an earlier row of its sheet (the
	// same headers and cleaned texts), that row's fingerprint. Such a row
	// is read but neither cleaned nor matched: it follows that row into
	// its customer, or into its rejection (merge.FollowIdentical).
	SameAs string
	// ContactID is the id of the contact person the row names (its
	// contact column), set with the lineage; empty when it names none.
	ContactID string
}

// Get returns the cleaned text of the first non-empty value mapped to field.
func (r *Record) Get(field string) string {
	for _, v := range r.Values {
		if v.Field() == field && v.Text() != "" {
			return v.Text()
		}
	}
	return ""
}

// All returns every non-empty value mapped to field, in column order.
func (r *Record) All(field string) []Value {
	var out []Value
	for _, v := range r.Values {
		if v.Field() == field && v.Text() != "" {
			out = append(out, v)
		}
	}
	return out
}

// AddIssue records a data problem found in the row.
func (r *Record) AddIssue(i Issue) { r.Issues = append(r.Issues, i) }

// Reject marks the row rejected with reason, unless it already is.
func (r *Record) Reject(reason string) {
	if r.Status == Rejected {
		r.Reason += "; " + reason
		return
	}
	r.Status = Rejected
	r.Reason = reason
}

// Errors returns the issues of severity error, joined for a lineage reason.
func (r *Record) Errors() string {
	var msgs []string
	for _, i := range r.Issues {
		if i.Severity == Error {
			msgs = append(msgs, i.Message)
		}
	}
	return strings.Join(msgs, "; ")
}
