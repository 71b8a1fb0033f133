package state

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/crmclean/crmclean/pipeline/merge"
)

// golden is a customer as stored: its fields without its rows and without
// the values of sensitive columns, plus the fingerprints of its rows, so
// that a customer who gains or loses a row counts as updated even when no
// field changes (its source_count and lineage do).
type golden struct {
	*merge.Customer
	RowFingerprints []string `json:"row_fingerprints"`
}

// GoldenOf renders a customer as the golden record JSON to store in
// Customer.Golden: without its rows (they are stored as rows; only their
// fingerprints, sorted, are listed) and without the values of sensitive
// columns, which never reach the state file. A customer without extra
// columns (nil Extras) is stored with "Extras":{}, as it always was, so
// that its GoldenHash does not change.
func GoldenOf(c *merge.Customer) ([]byte, error) {
	g := *c
	g.Rows = nil
	g.Sensitive = nil
	if g.Extras == nil {
		g.Extras = noExtras
	}
	fps := make([]string, 0, len(c.Rows))
	for _, r := range c.Rows {
		fps = append(fps, r.Fingerprint)
	}
	sort.Strings(fps)
	b, err := json.Marshal(golden{Customer: &g, RowFingerprints: fps})
	if err != nil {
		return nil, fmt.Errorf("encode customer %s: %w", c.ID, err)
	}
	return b, nil
}

// noExtras is the Extras GoldenOf encodes for none; never written to.
var noExtras = map[string]string{}

// LegacyGoldenHash is the GoldenHash the golden record of c had when
// written by a crmclean whose contacts had no ids: a customer stored so
// whose golden record is otherwise the same is unchanged.
func LegacyGoldenHash(c *merge.Customer) (string, error) {
	g := *c
	g.Contacts = slices.Clone(c.Contacts)
	for i := range g.Contacts {
		g.Contacts[i].ID = ""
	}
	b, err := GoldenOf(&g)
	if err != nil {
		return "", err
	}
	return GoldenHash(b), nil
}

// StoredGolden is what a run needs of a stored golden record: its contacts
// and the fingerprints of its rows.
type StoredGolden struct {
	Contacts        []merge.Contact
	RowFingerprints []string `json:"row_fingerprints"`
}

// Legacy reports a golden record written before contacts had ids.
func (g *StoredGolden) Legacy() bool {
	return slices.ContainsFunc(g.Contacts, func(c merge.Contact) bool { return c.ID == "" })
}

// ParseGolden reads a stored golden record (GoldenOf).
func ParseGolden(b []byte) (StoredGolden, error) {
	var g StoredGolden
	if err := json.Unmarshal(b, &g); err != nil {
		return g, fmt.Errorf("read a stored golden record: %w", err)
	}
	return g, nil
}

// compactGolden is a golden record as Commit stores it: the JSON of
// GoldenOf without the members of its structs that are "" or null (half
// the fields of a typical customer), which read back as the same zero
// values. The structs are the record itself and the elements of its lists
// (contacts, conflicts); the objects that are members of the record are
// maps (extras), whose empty values are kept. Its GoldenHash is the hash
// of the JSON as given, so that a run comparing golden records compares
// the same bytes as before. It expects the compact JSON of encoding/json;
// anything else is stored as given.
func compactGolden(b []byte) []byte {
	out := make([]byte, 0, len(b))
	type frame struct{ object, strip, any bool } // any: a member was kept
	var stack []frame
	i := 0
	// str returns the end of the string starting at b[i] == '"'.
	str := func(i int) int {
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	}
	// member handles the member of the innermost object starting at i,
	// returning where the main loop goes on.
	member := func(i int) int {
		end := str(i)
		if end < 0 || end >= len(b) || b[end] != ':' {
			return -1
		}
		v := end + 1
		for _, empty := range []string{`""`, `null`} {
			if !stack[len(stack)-1].strip {
				break
			}
			if e := v + len(empty); e < len(b) && string(b[v:e]) == empty && (b[e] == ',' || b[e] == '}') {
				return e // dropped
			}
		}
		top := &stack[len(stack)-1]
		if top.any {
			out = append(out, ',')
		}
		top.any = true
		out = append(out, b[i:v]...)
		return v
	}
	for i < len(b) {
		switch c := b[i]; c {
		case '{', '[':
			strip := c == '{' && (len(stack) == 0 || !stack[len(stack)-1].object)
			stack = append(stack, frame{object: c == '{', strip: strip})
			out = append(out, c)
			i++
			if c == '{' && i < len(b) && b[i] == '"' {
				if i = member(i); i < 0 {
					return b
				}
			}
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].object != (c == '}') {
				return b
			}
			stack = stack[:len(stack)-1]
			out = append(out, c)
			i++
		case ',':
			if len(stack) == 0 {
				return b
			}
			if !stack[len(stack)-1].object {
				out = append(out, c)
				i++
				continue
			}
			if i+1 >= len(b) || b[i+1] != '"' {
				return b
			}
			if i = member(i + 1); i < 0 {
				return b
			}
		case '"':
			end := str(i)
			if end < 0 {
				return b
			}
			out = append(out, b[i:end]...)
			i = end
		default:
			out = append(out, c)
			i++
		}
	}
	if len(stack) != 0 {
		return b
	}
	return out
}

// Golden records are stored packed (packGolden): the compact JSON's
// structure as one byte a token, member names and the values of
// sharedGoldenMembers as shared strings, values the record holds already
// (a contact's mobile, the customer's phones) by reference, and row
// fingerprints as bytes. Strings are kept as the JSON spelled them,
// escapes and all, so unpackGolden gives back the same bytes. Records
// stored before start with '{' and are read as they are.
const goldenPacked = 0x02

// Tokens of a packed golden record.
const (
	gObject = '{'
	gEnd    = '}' // ends the innermost object or array
	gArray  = '['
	gMember = 'k' // a member's name follows (a shared string), then its value
	gString = 's' // a string follows, as the JSON spelled it between its quotes
	gHex    = 'h' // a string of lower-case hex digits follows as bytes: uvarint count, bytes
	gOther  = 'n' // a number, true, false or null follows, as a string
)

// sharedGoldenMembers are the members whose values many customers share.
var sharedGoldenMembers = map[string]bool{"Kind": true, "Province": true, "City": true, "District": true,
	"Adcode": true, "Owner": true, "Field": true}

// packGolden packs the compact JSON of a golden record with w (whose
// shared strings it uses). It returns the JSON as given when it is not the
// compact JSON of encoding/json.
func packGolden(w *rowWriter, js []byte) []byte {
	w.b, w.seen = append(w.b[:0], goldenPacked), w.seen[:0]
	type frame struct {
		object bool
		done   bool // a member or element was given, and no comma after it yet
		comma  bool // a comma was given, and nothing after it yet
	}
	var stack []frame
	key, value := "", false  // value: the value of member key comes next
	top := false             // the one top-level value was given
	str := func(i int) int { // the index after the string starting at js[i] == '"'
		for j := i + 1; j < len(js); j++ {
			switch js[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	}
	// startValue reports whether a value may start here.
	startValue := func() bool {
		if len(stack) == 0 {
			return !top
		}
		f := stack[len(stack)-1]
		return !f.done && (f.object == value)
	}
	// endValue records that a value ended.
	endValue := func() {
		if len(stack) == 0 {
			top = true
		} else {
			stack[len(stack)-1].done, stack[len(stack)-1].comma = true, false
		}
		key, value = "", false
	}
	for i := 0; i < len(js); {
		c := js[i]
		inObject := len(stack) > 0 && stack[len(stack)-1].object
		switch {
		case c == '{' || c == '[':
			if !startValue() {
				return js
			}
			stack = append(stack, frame{object: c == '{'})
			key, value = "", false
			w.b = append(w.b, c)
			i++
		case c == '}' || c == ']':
			if len(stack) == 0 || stack[len(stack)-1].object != (c == '}') || stack[len(stack)-1].comma || value {
				return js
			}
			stack = stack[:len(stack)-1]
			w.b = append(w.b, gEnd)
			i++
			endValue()
		case c == ',':
			if len(stack) == 0 || !stack[len(stack)-1].done {
				return js
			}
			stack[len(stack)-1].done, stack[len(stack)-1].comma = false, true
			i++
		case c == '"' && inObject && !value:
			end := str(i)
			if stack[len(stack)-1].done || end < 0 || end >= len(js) || js[end] != ':' {
				return js
			}
			key, value = string(js[i+1:end-1]), true
			w.b = append(w.b, gMember)
			w.shared(key)
			i = end + 1
		case c == '"':
			end := str(i)
			if end < 0 || !startValue() {
				return js
			}
			s := string(js[i+1 : end-1])
			switch {
			case isHex(s):
				w.b = append(w.b, gHex)
				w.b = binary.AppendUvarint(w.b, uint64(len(s)/2))
				w.b, _ = hex.AppendDecode(w.b, []byte(s)) // isHex: no error
			case sharedGoldenMembers[key]:
				w.b = append(w.b, gString)
				w.shared(s)
			default:
				w.b = append(w.b, gString)
				w.str(s)
			}
			i = end
			endValue()
		default:
			j := i
			for j < len(js) && strings.IndexByte("-+.0123456789eEtruefalsn", js[j]) >= 0 {
				j++
			}
			if j == i || !startValue() {
				return js
			}
			w.b = append(w.b, gOther)
			w.str(string(js[i:j]))
			i = j
			endValue()
		}
	}
	if len(stack) != 0 || !top {
		return js
	}
	b := w.b
	w.b = nil
	return b
}

// isHex reports a string of 16 or more lower-case hex digits, of even
// length (row fingerprints).
func isHex(s string) bool {
	if len(s) < 16 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// unpackGolden returns the JSON of a stored golden record (packGolden, or
// JSON as stored before); dict holds the shared strings.
func unpackGolden(b []byte, dict []string) ([]byte, error) {
	if len(b) == 0 || b[0] != goldenPacked {
		return b, nil
	}
	g := goldenReader{rowReader: rowReader{s: string(b), pos: 1, shared: true, dict: dict}}
	out := g.value(make([]byte, 0, 2*len(b)), 0)
	if g.err == nil && g.pos != len(g.s) {
		g.err = errCorrupt
	}
	if g.err != nil {
		return nil, fmt.Errorf("read a stored golden record: %w", g.err)
	}
	return out, nil
}

// goldenReader reads a packed golden record.
type goldenReader struct{ rowReader }

// maxGoldenDepth bounds the nesting of a packed record (a golden record
// nests three deep).
const maxGoldenDepth = 32

func (g *goldenReader) next() byte {
	if g.err != nil || g.pos >= len(g.s) {
		g.err = errCorrupt
		return 0
	}
	g.pos++
	return g.s[g.pos-1]
}

// value appends the JSON of the value that starts at g.pos.
func (g *goldenReader) value(out []byte, depth int) []byte {
	if depth > maxGoldenDepth {
		g.err = errCorrupt
		return out
	}
	switch t := g.next(); t {
	case gObject, gArray:
		closing := byte(']')
		if t == gObject {
			closing = '}'
		}
		out = append(out, t)
		for n := 0; g.err == nil; n++ {
			if g.pos < len(g.s) && g.s[g.pos] == gEnd {
				g.pos++
				return append(out, closing)
			}
			if n > 0 {
				out = append(out, ',')
			}
			if t == gObject {
				if g.next() != gMember {
					g.err = errCorrupt
					return out
				}
				out = append(out, '"')
				out = append(out, g.str()...)
				out = append(out, '"', ':')
			}
			out = g.value(out, depth+1)
		}
	case gString:
		out = append(out, '"')
		out = append(out, g.str()...)
		out = append(out, '"')
	case gHex:
		n := g.count()
		if g.err == nil {
			out = append(out, '"')
			out = hex.AppendEncode(out, []byte(g.s[g.pos:g.pos+n]))
			out = append(out, '"')
			g.pos += n
		}
	case gOther:
		if s := g.str(); s != "" {
			out = append(out, s...)
		} else {
			g.err = errCorrupt
		}
	default:
		g.err = errCorrupt
	}
	return out
}
