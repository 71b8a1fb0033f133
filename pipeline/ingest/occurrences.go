package ingest

import "encoding/binary"

// occurrences counts a sheet's rows by fingerprint, to tell identical rows
// apart, and keeps a checksum of the first row's content under each key
// (rows keyed by a source id share a key whatever their content). The keys
// are the first bytes of a SHA-256 sum, so an open-addressing table can
// index them by their own bytes: one probe per row, where a map hashed
// each key again, twice.
type occurrences struct {
	slots []occurrence // a power of two, at most half full
	n     int
}

type occurrence struct {
	id      [10]byte
	count   uint32 // 0: an empty slot
	content uint32 // of the first row with id
}

// add counts one more row with id and content and returns how many there
// are now, and whether the first of them had the same content.
func (o *occurrences) add(id [10]byte, content uint32) (int, bool) {
	if 2*(o.n+1) > len(o.slots) {
		o.grow()
	}
	mask := len(o.slots) - 1
	for i := int(binary.LittleEndian.Uint64(id[:8])) & mask; ; i = (i + 1) & mask {
		s := &o.slots[i]
		switch {
		case s.count == 0:
			s.id, s.count, s.content = id, 1, content
			o.n++
			return 1, true
		case s.id == id:
			s.count++
			return int(s.count), s.content == content
		}
	}
}

func (o *occurrences) grow() {
	old := o.slots
	o.slots = make([]occurrence, max(1024, 2*len(old)))
	mask := len(o.slots) - 1
	for _, s := range old {
		if s.count == 0 {
			continue
		}
		i := int(binary.LittleEndian.Uint64(s.id[:8])) & mask
		for o.slots[i].count != 0 {
			i = (i + 1) & mask
		}
		o.slots[i] = s
	}
}
