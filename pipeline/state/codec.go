package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Rows are stored in a compact binary form: an incremental run decodes
// every row of every customer it touches, and JSON cost ~90 µs a row. The
// payload starts with codecShared (codecBinary: the plain form of earlier
// versions, with every string spelled out; '{': JSON, decodeRowJSON).
// Fields added since a form came out are optional, each after a tag and
// only when it holds something, so that rows without them are stored as
// before.
//
// Layout (counts as uvarints; ints as varints; bools as one byte; strings
// as below):
//
//	codecShared
//	reason (two strings: the part before a row number, shared, and the rest)
//	values:  n × (field, col, header, text, rawSame, [raw])
//	issues:  n × (field, col, header, value, rule, severity, message, fix)
//	norm:    kind, name, nameKey, contact, title, province, city, district,
//	         address, adcode, uscc, createdAt, owner, gender, notes,
//	         emails (n × s), sourceIDs (n × s),
//	         phones (n × (e164, ext, type, own, col, input)),
//	         [tagShort, shortMobiles (n × s): only when there are some]
//	         [tagOwner, ownerPhones (n × s): only when there are some]
//	[tagContact, contactID: only when the row names a contact]
//	[tagRowEnd, rowEnd: only for a run of rows (Provenance.RowEnd)]
//	[tagSameAs, sameAs: only for a row identical to an earlier one (Row.SameAs)]
//	[tagMsgs, n × (id, args (n × s)): one per issue, only when an issue has a catalogue message]
//
// In the plain form a string is its length, then its bytes. In the shared
// form it starts with a uvarint whose low two bits say what follows
// (strLiteral…strPart): its bytes, a reference to the same string earlier
// in the row (a cleaned name equal to its cell), a shared string by id (a
// header, a field, a province: the strings table, which a payload of 530
// bytes spent about 120 on), or a part of an earlier string (a name's key,
// an address's detail). TestCodecRoundTrip holds both forms equal.
const (
	codecBinary = 0x01
	codecShared = 0x02
)

// tagShort and tagOwner start the optional lists of mobiles written a
// digit short and of owner phones, so that rows without them are stored
// as before.
const (
	tagShort = 'S'
	tagOwner = 'O'
	// tagContact starts the id of the contact the row names (Row.ContactID),
	// stored since contacts have ids; rows written before have none.
	tagContact = 'C'
	// tagRowEnd starts the last row of a run of blank rows
	// (Provenance.RowEnd), and tagSameAs the fingerprint of the row a row
	// is identical to (Row.SameAs).
	tagRowEnd = 'E'
	tagSameAs = 'I'
	// tagMsgs starts the catalogue messages of the issues (record.Issue
	// .Msg), stored since messages follow --lang; rows written before
	// have none and show their English text.
	tagMsgs = 'M'
)

var errCorrupt = errors.New("damaged data")

// appendRow appends r's payload in the binary form; with ids (nil: every
// string spelled out), the strings many rows repeat are named by their
// shared id.
func appendRow(b []byte, r *Row, ids *stringIDs) []byte {
	w := rowWriter{ids: ids}
	return w.row(b, r)
}

// row appends r's payload to b, reusing w's buffers from the row before.
func (w *rowWriter) row(b []byte, r *Row) []byte {
	w.b, w.seen = append(b, codecShared), w.seen[:0]
	prefix, rest := splitReason(r.Reason)
	w.shared(prefix)
	w.str(rest)
	w.count(len(r.Values))
	for _, v := range r.Values {
		w.shared(v.Field())
		w.int(v.Col())
		w.shared(v.Header())
		w.str(v.Text())
		if v.Raw() == v.Text() {
			w.b = append(w.b, 1)
		} else {
			w.b = append(w.b, 0)
			w.str(v.Raw())
		}
	}
	w.count(len(r.Issues))
	for _, is := range r.Issues {
		w.shared(is.Field)
		w.int(is.Col)
		w.shared(is.Header)
		w.str(is.Value)
		w.shared(is.Rule)
		w.shared(string(is.Severity))
		w.str(is.Message)
		w.str(is.Fix)
	}
	n := &r.Norm
	w.shared(string(n.Kind))
	w.str(n.Name)
	w.part(n.NameKey)
	w.str(n.Contact)
	w.str(n.Title())
	w.shared(n.Province)
	w.shared(n.City)
	w.shared(n.District)
	w.part(n.Address)
	w.shared(n.Adcode)
	w.str(n.USCC)
	w.str(n.CreatedAt)
	w.shared(n.Owner)
	w.shared(n.Gender())
	w.str(n.Notes)
	w.strs(n.Emails)
	w.strs(n.SourceIDs)
	w.count(len(n.Phones))
	for _, p := range n.Phones {
		w.str(p.E164)
		w.str(p.Ext)
		w.shared(string(p.Type))
		if p.Own {
			w.b = append(w.b, 1)
		} else {
			w.b = append(w.b, 0)
		}
		w.int(p.Col)
		w.str(p.Input)
	}
	for _, tl := range [...]struct {
		tag  byte
		list []string
	}{{tagShort, n.ShortMobiles()}, {tagOwner, n.OwnerPhones()}} {
		if len(tl.list) > 0 {
			w.b = append(w.b, tl.tag)
			w.strs(tl.list)
		}
	}
	if r.ContactID != "" {
		w.b = append(w.b, tagContact)
		w.str(r.ContactID)
	}
	if r.Prov.RowEnd != 0 {
		w.b = append(w.b, tagRowEnd)
		w.int(r.Prov.RowEnd)
	}
	if r.SameAs != "" {
		w.b = append(w.b, tagSameAs)
		w.str(r.SameAs)
	}
	if slices.ContainsFunc(r.Issues, func(is record.Issue) bool { return !is.Msg.IsZero() }) {
		w.b = append(w.b, tagMsgs)
		w.count(len(r.Issues))
		for _, is := range r.Issues {
			w.shared(string(is.Msg.ID))
			w.strs(is.Msg.Args)
		}
	}
	b, w.b = w.b, nil
	return b
}

// splitReason splits a row's reason before the number of the row it
// names ("same customer as 客户.xlsx, row " and "41"), so that the part
// many rows share is stored once.
func splitReason(s string) (prefix, rest string) {
	i := strings.LastIndex(s, "row ")
	if i < 0 {
		return "", s
	}
	return s[:i+4], s[i+4:]
}

// Kinds of string in the shared form, in the low two bits of the uvarint
// that starts it; the other bits hold n.
const (
	strLiteral = 0 // n bytes follow
	strEarlier = 1 // the row's n-th string written before (counting from 0)
	strShared  = 2 // shared string number n (the strings table)
	strPart    = 3 // part of the n-th string before: uvarint offset, uvarint length follow
)

// rowWriter writes a payload in the shared form. A string the row holds
// already (a cleaned name equal to its cell, a mobile's input text) is
// named by its place among the strings before it; seen lists them as the
// reader will.
type rowWriter struct {
	b    []byte
	ids  *stringIDs
	seen []string
}

func (w *rowWriter) count(n int) { w.b = binary.AppendUvarint(w.b, uint64(n)) }
func (w *rowWriter) int(n int)   { w.b = binary.AppendVarint(w.b, int64(n)) }

func (w *rowWriter) strs(list []string) {
	w.count(len(list))
	for _, s := range list {
		w.str(s)
	}
}

// earlier writes s as a reference to the same string before, if any.
func (w *rowWriter) earlier(s string) bool {
	for i, e := range w.seen {
		if e == s {
			w.b = binary.AppendUvarint(w.b, uint64(i)<<2|strEarlier)
			return true
		}
	}
	return false
}

// str writes s: a reference to the same string before, or its bytes.
func (w *rowWriter) str(s string) {
	if s == "" {
		w.b = append(w.b, strLiteral)
		return
	}
	if w.earlier(s) {
		return
	}
	w.b = binary.AppendUvarint(w.b, uint64(len(s))<<2|strLiteral)
	w.b = append(w.b, s...)
	w.seen = append(w.seen, s)
}

// shared writes s, one of the strings many rows repeat, by its shared id.
func (w *rowWriter) shared(s string) {
	if s == "" || w.ids == nil {
		w.str(s)
		return
	}
	if w.earlier(s) {
		return
	}
	w.b = binary.AppendUvarint(w.b, w.ids.id(s)<<2|strShared)
	w.seen = append(w.seen, s)
}

// part writes s, often a part of a string before (a name's key within the
// name, an address's detail within its cell), as that part.
func (w *rowWriter) part(s string) {
	if s == "" {
		w.str(s)
		return
	}
	if w.earlier(s) {
		return
	}
	for i, e := range w.seen {
		if j := strings.Index(e, s); j >= 0 {
			w.b = binary.AppendUvarint(w.b, uint64(i)<<2|strPart)
			w.b = binary.AppendUvarint(w.b, uint64(j))
			w.b = binary.AppendUvarint(w.b, uint64(len(s)))
			w.seen = append(w.seen, s)
			return
		}
	}
	w.str(s)
}

// rowReader reads the binary forms. Strings are slices of one string
// holding the whole payload (or shared strings): decoding a row allocates
// it once, not once per field.
type rowReader struct {
	s      string
	pos    int
	err    error
	shared bool     // the shared form (codecShared), not the plain one (codecBinary)
	dict   []string // the shared strings, by id - 1
	seen   []string // strings read so far, for strEarlier and strPart
}

func (d *rowReader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.err != nil || d.pos >= len(d.s) {
			d.err = errCorrupt
			return 0
		}
		c := d.s[d.pos]
		d.pos++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
	d.err = errCorrupt
	return 0
}

func (d *rowReader) varint() int {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return int(x)
}

// count reads a list length, refusing one the remaining bytes cannot hold.
func (d *rowReader) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.pos) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *rowReader) str() string {
	if !d.shared {
		n := d.count()
		if d.err != nil {
			return ""
		}
		s := d.s[d.pos : d.pos+n]
		d.pos += n
		return s
	}
	v := d.uvarint()
	if d.err != nil {
		return ""
	}
	n := v >> 2
	var s string
	switch v & 3 {
	case strLiteral:
		if n == 0 {
			return ""
		}
		if n > uint64(len(d.s)-d.pos) {
			d.err = errCorrupt
			return ""
		}
		s = d.s[d.pos : d.pos+int(n)]
		d.pos += int(n)
	case strEarlier:
		if n >= uint64(len(d.seen)) {
			d.err = errCorrupt
			return ""
		}
		return d.seen[n]
	case strShared:
		if n == 0 || n > uint64(len(d.dict)) {
			d.err = fmt.Errorf("%w: shared string %d is not in the file", errCorrupt, n)
			return ""
		}
		s = d.dict[n-1]
	case strPart:
		off, l := d.uvarint(), d.uvarint()
		if d.err != nil || n >= uint64(len(d.seen)) || off > uint64(len(d.seen[n])) || l > uint64(len(d.seen[n]))-off {
			d.err = errCorrupt
			return ""
		}
		s = d.seen[n][off : off+l]
	}
	d.seen = append(d.seen, s)
	return s
}

func (d *rowReader) flag() bool {
	if d.err != nil || d.pos >= len(d.s) {
		d.err = errCorrupt
		return false
	}
	d.pos++
	return d.s[d.pos-1] == 1
}

func (d *rowReader) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// decodeRowBinary fills r's payload from the binary form.
func decodeRowBinary(b []byte, r *Row, dict []string) error {
	d := &rowReader{s: string(b), pos: 1, shared: b[0] == codecShared, dict: dict}
	r.Reason = d.str()
	if d.shared {
		if rest := d.str(); r.Reason == "" {
			r.Reason = rest
		} else {
			r.Reason += rest
		}
	}
	r.Values = nil
	if n := d.count(); n > 0 {
		r.Values = make([]record.Value, n)
		for i := range r.Values {
			field, col, header, text := d.str(), d.varint(), d.str(), d.str()
			raw := text
			if !d.flag() {
				raw = d.str()
			}
			r.Values[i] = record.NewValue(field, col, header, text, raw)
		}
	}
	r.Issues = nil
	if n := d.count(); n > 0 {
		r.Issues = make([]record.Issue, n)
		for i := range r.Issues {
			is := &r.Issues[i]
			is.Field, is.Col = d.str(), d.varint()
			is.Header, is.Value, is.Rule = d.str(), d.str(), d.str()
			is.Severity, is.Message, is.Fix = record.Severity(d.str()), d.str(), d.str()
		}
	}
	n := &r.Norm
	*n = record.Normalized{Kind: record.Kind(d.str()), Name: d.str(), NameKey: d.str(), Contact: d.str()}
	title := d.str()
	n.Province, n.City, n.District, n.Address, n.Adcode, n.USCC = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
	n.CreatedAt, n.Owner = d.str(), d.str()
	gender := d.str()
	n.Notes = d.str()
	n.SetTitle(title)
	n.SetGender(gender)
	n.Emails = d.strs()
	n.SourceIDs = d.strs()
	if c := d.count(); c > 0 {
		n.Phones = make([]record.Phone, c)
		for i := range n.Phones {
			p := &n.Phones[i]
			p.E164, p.Ext, p.Type = d.str(), d.str(), record.PhoneType(d.str())
			p.Own, p.Col, p.Input = d.flag(), d.varint(), d.str()
		}
	}
	for _, tl := range [...]struct {
		tag byte
		set func([]string)
	}{{tagShort, n.SetShortMobiles}, {tagOwner, n.SetOwnerPhones}} {
		if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tl.tag {
			d.pos++
			list := d.strs()
			if len(list) == 0 {
				d.err = errCorrupt // written only when there are some
			}
			tl.set(list)
		}
	}
	r.ContactID, r.Prov.RowEnd, r.SameAs = "", 0, ""
	if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tagContact {
		d.pos++
		if r.ContactID = d.str(); r.ContactID == "" {
			d.err = errCorrupt // written only when there is one
		}
	}
	if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tagRowEnd {
		d.pos++
		if r.Prov.RowEnd = d.varint(); r.Prov.RowEnd == 0 {
			d.err = errCorrupt // written only when there is one
		}
	}
	if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tagSameAs {
		d.pos++
		if r.SameAs = d.str(); r.SameAs == "" {
			d.err = errCorrupt // written only when there is one
		}
	}
	if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tagMsgs {
		d.pos++
		if n := d.count(); n != len(r.Issues) {
			d.err = errCorrupt // one per issue
		}
		for i := range r.Issues {
			id := msg.ID(d.str())
			r.Issues[i].Msg = msg.Msg{ID: id, Args: d.strs()}
		}
	}
	if d.err == nil && d.pos != len(d.s) {
		d.err = errCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("row %s: %w", r.Fingerprint, d.err)
	}
	return nil
}

// appendString appends s in the plain form: its length, then its bytes.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
