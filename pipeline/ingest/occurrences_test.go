package ingest

import (
	"crypto/sha256"
	"strconv"
	"testing"
)

// TestOccurrences checks the table against a map over keys that are
// hashes, as fingerprints are, and over keys that share their first eight
// bytes, which all land on one slot and must probe past each other, across
// several rounds of growth.
func TestOccurrences(t *testing.T) {
	var keys [][10]byte
	for i := range 3000 {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		keys = append(keys, [10]byte(sum[:10]))
	}
	for i := range 300 {
		keys = append(keys, [10]byte{8: byte(i), 9: byte(i >> 8)}) // first eight bytes all zero
	}
	var o occurrences
	want := map[[10]byte]int{}
	first := map[[10]byte]uint32{}
	for round := range 3 {
		for i, k := range keys {
			if (i+round)%3 == 0 && round > 0 {
				continue // uneven counts
			}
			want[k]++
			content := uint32(i % (round + 2)) // equal to the first's in some rounds only
			if want[k] == 1 {
				first[k] = content
			}
			if got, same := o.add(k, content); got != want[k] || same != (content == first[k]) {
				t.Fatalf("round %d, key %d: add gave %d, %t; want %d, %t", round, i, got, same, want[k], content == first[k])
			}
		}
	}
	if o.n != len(want) {
		t.Errorf("%d keys in the table, want %d", o.n, len(want))
	}
}
