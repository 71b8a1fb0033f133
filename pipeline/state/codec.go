package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Rows are stored in a compact binary form: an incremental run decodes
// every row of every customer it touches, and JSON cost ~90 µs a row. The
// payload starts with codecBinary; rows written by earlier versions start
// with '{' and are read as JSON (decodeRowJSON). Fields added since are
// optional, each after a tag and only when it holds something, so that
// rows without them are stored as before.
//
// Layout (strings and counts as uvarints, a string's bytes after its
// length; ints as varints; bools as one byte):
//
//	codecBinary
//	reason
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
const codecBinary = 0x01

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

// appendRow appends r's payload in the binary form.
func appendRow(b []byte, r *Row) []byte {
	b = append(b, codecBinary)
	b = appendString(b, r.Reason)
	b = binary.AppendUvarint(b, uint64(len(r.Values)))
	for _, v := range r.Values {
		b = appendString(b, v.Field)
		b = binary.AppendVarint(b, int64(v.Col))
		b = appendString(b, v.Header)
		b = appendString(b, v.Text)
		if v.Raw == v.Text {
			b = append(b, 1)
		} else {
			b = append(b, 0)
			b = appendString(b, v.Raw)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(r.Issues)))
	for _, is := range r.Issues {
		b = appendString(b, is.Field)
		b = binary.AppendVarint(b, int64(is.Col))
		for _, s := range []string{is.Header, is.Value, is.Rule, string(is.Severity), is.Message, is.Fix} {
			b = appendString(b, s)
		}
	}
	n := &r.Norm
	for _, s := range []string{string(n.Kind), n.Name, n.NameKey, n.Contact, n.Title, n.Province, n.City, n.District,
		n.Address, n.Adcode, n.USCC, n.CreatedAt, n.Owner, n.Gender, n.Notes} {
		b = appendString(b, s)
	}
	for _, list := range [][]string{n.Emails, n.SourceIDs} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = appendString(b, s)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(n.Phones)))
	for _, p := range n.Phones {
		b = appendString(b, p.E164)
		b = appendString(b, p.Ext)
		b = appendString(b, string(p.Type))
		if p.Own {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendVarint(b, int64(p.Col))
		b = appendString(b, p.Input)
	}
	for _, tl := range [...]struct {
		tag  byte
		list []string
	}{{tagShort, n.ShortMobiles}, {tagOwner, n.OwnerPhones}} {
		if len(tl.list) > 0 {
			b = append(b, tl.tag)
			b = binary.AppendUvarint(b, uint64(len(tl.list)))
			for _, s := range tl.list {
				b = appendString(b, s)
			}
		}
	}
	if r.ContactID != "" {
		b = append(b, tagContact)
		b = appendString(b, r.ContactID)
	}
	if r.Prov.RowEnd != 0 {
		b = append(b, tagRowEnd)
		b = binary.AppendVarint(b, int64(r.Prov.RowEnd))
	}
	if r.SameAs != "" {
		b = append(b, tagSameAs)
		b = appendString(b, r.SameAs)
	}
	if slices.ContainsFunc(r.Issues, func(is record.Issue) bool { return !is.Msg.IsZero() }) {
		b = append(b, tagMsgs)
		b = binary.AppendUvarint(b, uint64(len(r.Issues)))
		for _, is := range r.Issues {
			b = appendString(b, string(is.Msg.ID))
			b = binary.AppendUvarint(b, uint64(len(is.Msg.Args)))
			for _, s := range is.Msg.Args {
				b = appendString(b, s)
			}
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// rowReader reads the binary form. Strings are slices of one string
// holding the whole payload: decoding a row allocates it once, not once
// per field.
type rowReader struct {
	s   string
	pos int
	err error
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
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
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
func decodeRowBinary(b []byte, r *Row) error {
	d := &rowReader{s: string(b), pos: 1}
	r.Reason = d.str()
	r.Values = nil
	if n := d.count(); n > 0 {
		r.Values = make([]record.Value, n)
		for i := range r.Values {
			v := &r.Values[i]
			v.Field, v.Col, v.Header, v.Text = d.str(), d.varint(), d.str(), d.str()
			if d.flag() {
				v.Raw = v.Text
			} else {
				v.Raw = d.str()
			}
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
	*n = record.Normalized{Kind: record.Kind(d.str()), Name: d.str(), NameKey: d.str(), Contact: d.str(), Title: d.str(),
		Province: d.str(), City: d.str(), District: d.str(), Address: d.str(), Adcode: d.str(), USCC: d.str(),
		CreatedAt: d.str(), Owner: d.str(), Gender: d.str(), Notes: d.str()}
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
		tag  byte
		list *[]string
	}{{tagShort, &n.ShortMobiles}, {tagOwner, &n.OwnerPhones}} {
		if d.err == nil && d.pos < len(d.s) && d.s[d.pos] == tl.tag {
			d.pos++
			if *tl.list = d.strs(); len(*tl.list) == 0 {
				d.err = errCorrupt // written only when there are some
			}
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
