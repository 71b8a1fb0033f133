package state

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/msg"
)

// A pair's evidence (Pair.Evidence) is stored in a compact binary form:
// a first run stores a pair for every link, and as JSON the evidence was
// a third of the bytes of the state file. Evidence written by earlier
// versions is JSON (it starts with '[' or is "null") and reads as before.
//
// Layout (strings and counts as uvarints, a string's bytes after its
// length):
//
//	codecBinary
//	n × (flags, field, outcome, weight, [detail], msg id, args (n × s))
//
// field, outcome and msg id are words: 0 then the string, or k for
// evidenceWords[k-1]. flags: evDetailRendered, the detail is the message
// in English and is rendered again when read; evWeightTenths, the weight
// is a whole number of tenths, stored as a varint (else its 8 IEEE bytes).
const (
	evDetailRendered = 1 << iota
	evWeightTenths
)

// evidenceWords are the fields, outcomes and message ids evidence names,
// stored by position: append only, never reorder or remove one, or stored
// evidence reads back with other words.
var evidenceWords = [...]string{
	"name", "contact", "mobile", "landline", "email", "address", "uscc", "branch",
	"agree", "near", "fuzzy", "disagree", "missing",
	"ev.plain", "ev.address_similar", "ev.branch", "ev.contact_neutral", "ev.contains", "ev.decided",
	"ev.differ", "ev.digit_missing", "ev.heteronym", "ev.initials", "ev.name_records", "ev.one_char",
	"ev.romanized", "ev.same_domain", "ev.same_freemail", "ev.same_freemail_used", "ev.same_mailbox",
	"ev.same_mailbox_used", "ev.same_mobile", "ev.same_mobile_used", "ev.same_number", "ev.same_number_used",
	"ev.same_pinyin", "ev.same_shared_mobile", "ev.same_shared_mobile_used", "ev.same_shared_number",
	"ev.same_shared_number_used", "ev.shared_number", "ev.similar_pinyin", "ev.title",
}

var evidenceWord = func() map[string]uint64 {
	m := make(map[string]uint64, len(evidenceWords))
	for i, w := range evidenceWords {
		m[w] = uint64(i + 1)
	}
	return m
}()

// EncodeEvidence returns a pair's evidence as stored in Pair.Evidence.
func EncodeEvidence(ev []match.Evidence) []byte {
	b := make([]byte, 0, 16+48*len(ev))
	b = append(b, codecBinary)
	b = binary.AppendUvarint(b, uint64(len(ev)))
	for _, e := range ev {
		var flags byte
		if e.Detail == "" && !e.Msg.IsZero() || e.Detail == e.Msg.In("en") { // the matcher's, or as stored before
			flags |= evDetailRendered
		}
		tenths := math.Round(e.Weight * 10)
		if tenths/10 == e.Weight && math.Abs(tenths) < 1<<53 && !(e.Weight == 0 && math.Signbit(e.Weight)) {
			flags |= evWeightTenths
		}
		b = append(b, flags)
		b = appendWord(b, e.Field)
		b = appendWord(b, e.Outcome)
		if flags&evWeightTenths != 0 {
			b = binary.AppendVarint(b, int64(tenths))
		} else {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Weight))
		}
		if flags&evDetailRendered == 0 {
			b = appendString(b, e.Detail)
		}
		b = appendWord(b, string(e.Msg.ID))
		b = binary.AppendUvarint(b, uint64(len(e.Msg.Args)))
		for _, s := range e.Msg.Args {
			b = appendString(b, s)
		}
	}
	return b
}

func appendWord(b []byte, s string) []byte {
	if k, ok := evidenceWord[s]; ok {
		return binary.AppendUvarint(b, k)
	}
	return appendString(append(b, 0), s)
}

// DecodeEvidence reads Pair.Evidence, binary or (written by an earlier
// version) JSON.
func DecodeEvidence(b []byte) ([]match.Evidence, error) {
	if len(b) == 0 || b[0] != codecBinary {
		var ev []match.Evidence
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("read the evidence of a stored pair: %w", err)
		}
		return ev, nil
	}
	d := &rowReader{s: string(b), pos: 1}
	n := d.count()
	if d.err != nil {
		return nil, fmt.Errorf("read the evidence of a stored pair: %w", d.err)
	}
	ev := make([]match.Evidence, 0, n)
	for range n {
		var e match.Evidence
		flags := d.byte()
		e.Field, e.Outcome = d.word(), d.word()
		if flags&evWeightTenths != 0 {
			e.Weight = float64(d.varint()) / 10
		} else {
			e.Weight = math.Float64frombits(d.uint64())
		}
		if flags&evDetailRendered == 0 {
			e.Detail = d.str()
		}
		e.Msg.ID = msg.ID(d.word())
		e.Msg.Args = d.strs()
		if flags&^(evDetailRendered|evWeightTenths) != 0 {
			d.err = errCorrupt
		}
		if d.err != nil {
			return nil, fmt.Errorf("read the evidence of a stored pair: %w", d.err)
		}
		if flags&evDetailRendered != 0 {
			e.Detail = e.Msg.In("en")
		}
		ev = append(ev, e)
	}
	if d.pos != len(d.s) {
		return nil, fmt.Errorf("read the evidence of a stored pair: %w", errCorrupt)
	}
	return ev, nil
}

func (d *rowReader) byte() byte {
	if d.err != nil || d.pos >= len(d.s) {
		d.err = errCorrupt
		return 0
	}
	d.pos++
	return d.s[d.pos-1]
}

func (d *rowReader) uint64() uint64 {
	if d.err != nil || len(d.s)-d.pos < 8 {
		d.err = errCorrupt
		return 0
	}
	x := binary.LittleEndian.Uint64([]byte(d.s[d.pos : d.pos+8]))
	d.pos += 8
	return x
}

// word reads a string written by appendWord.
func (d *rowReader) word() string {
	k := d.uvarint()
	switch {
	case d.err != nil:
		return ""
	case k == 0:
		return d.str()
	case k > uint64(len(evidenceWords)):
		d.err = errCorrupt
		return ""
	}
	return evidenceWords[k-1]
}
