package address

import (
	"fmt"
	"slices"
	"strings"
)

// nameTable is the names of index.names packed for the scanner's lookups:
// an open-addressed table of 32-bit slots (a 16-bit tag and an entry
// number) over one array of entries whose candidates lie back to back.
// The scanner hashes a name's runes as it decodes them (nameStep), so a
// lookup costs no hashing of its own and no string building, and a name
// that is none is mostly rejected by one slot in a table of 64 KB, where a
// Go map walks a directory, a group and the key's bytes elsewhere.
type nameTable struct {
	slots   []uint32 // tag<<16 | entry+1; 0 is empty
	shift   uint     // 64 - log2(len(slots))
	entries []nameEntry
}

// nameEntry is one cache line: a name that has one candidate (most) keeps
// it in the entry.
type nameEntry struct {
	name  string      // in one string of all names, in entry order
	cands []candidate // one's own, or in an array of the others
	one   [1]candidate
}

// Hashing a name: nameSeed, then nameStep for each rune, then nameHash
// with the rune count. Spaces written inside a name are skipped, so that a
// name hashes the same however it is spaced.
const nameSeed uint64 = 0xCBF29CE484222325

func nameStep(h uint64, r rune) uint64 { return (h ^ uint64(r)) * 0x100000001B3 }

func nameHash(h uint64, n int) uint64 { return (h ^ uint64(n)) * 0x9E3779B97F4A7C15 }

// hashName returns the hash of a name as nameStep and nameHash make it.
func hashName(name string) uint64 {
	h, n := nameSeed, 0
	for _, r := range name {
		h = nameStep(h, r)
		n++
	}
	return nameHash(h, n)
}

// newNameTable packs names; their candidates move into the table, and
// names then share them.
func newNameTable(names map[string][]candidate) (*nameTable, error) {
	if len(names) >= 1<<16-1 {
		return nil, fmt.Errorf("%d names: the table holds at most %d", len(names), 1<<16-2)
	}
	size, shift := 1, uint(64)
	for size < 2*len(names) {
		size, shift = size*2, shift-1
	}
	t := &nameTable{slots: make([]uint32, size), shift: shift}
	total := 0
	for _, c := range names {
		total += len(c)
	}
	// Provinces' and cities' names first, then by name: in linear probing
	// the names inserted first sit in the slot their hash points at, and
	// these are the names nearly every address starts with. Entries and
	// candidates follow the same order, so the common ones share few
	// cache lines.
	type key struct {
		name string
		top  int // the highest level the name is of
	}
	keys := make([]key, 0, len(names))
	for name, cands := range names {
		k := key{name, levelDistrict}
		for _, c := range cands {
			k.top = min(k.top, c.div.level)
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.top != b.top {
			return a.top - b.top
		}
		return strings.Compare(a.name, b.name)
	})
	var blob strings.Builder
	for _, k := range keys {
		blob.WriteString(k.name)
	}
	all, off := blob.String(), 0
	many := make([]candidate, 0, total)
	t.entries = make([]nameEntry, len(keys)) // never grows: names point into it
	mask := uint64(size - 1)
	for i, k := range keys {
		e, c := &t.entries[i], names[k.name]
		e.name, off = all[off:off+len(k.name)], off+len(k.name)
		if len(c) == 1 {
			e.one[0] = c[0]
			e.cands = e.one[:]
		} else {
			start := len(many)
			many = append(many, c...)
			e.cands = many[start:len(many):len(many)]
		}
		names[k.name] = e.cands
		h := hashName(k.name)
		for j := h >> shift; ; j = (j + 1) & mask {
			if t.slots[j] == 0 {
				t.slots[j] = uint32(h>>16)&0xFFFF0000 | uint32(i+1)
				break
			}
		}
	}
	return t, nil
}

// find returns the candidates of name, whose hash is h.
func (t *nameTable) find(h uint64, name string) ([]candidate, bool) {
	tag := uint32(h>>16) & 0xFFFF0000
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return nil, false
		}
		if s&0xFFFF0000 == tag {
			if e := &t.entries[s&0xFFFF-1]; e.name == name {
				return e.cands, true
			}
		}
	}
}
