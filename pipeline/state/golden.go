package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

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
