package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSplitBlock pins how a block too large to compare whole is cut: by
// province and city, a city over the limit by district; records of
// unknown place among themselves and, while the block is within the
// limit, with every other record of it.
func TestSplitBlock(t *testing.T) {
	// place is "province/city/district" per record, "" parts unknown.
	tests := []struct {
		name    string
		places  []string
		limit   int
		parts   []string // each "records…" compared within, with "!" when capped
		across  []string // each "unknown records>known records"
		crowded []string // cities over the limit, also compared by windows
	}{
		{
			name:   "by city; unknown city with the whole block within the limit",
			places: []string{"沪/上海/黄浦", "沪/上海/静安", "粤/广州/天河", "//", "沪/上海/", "粤/广州/越秀", "//"},
			limit:  25,
			parts:  []string{"3 6", "0 1 4", "2 5"},
			across: []string{"3 6>0 1 4 2 5"},
		},
		{
			name:   "a city of one record is compared only with unknown ones",
			places: []string{"沪/上海/黄浦", "粤/广州/天河", "//"},
			limit:  25,
			across: []string{"2>0 1"},
		},
		{
			name:    "over the limit: a city by district, unknown city among itself",
			places:  []string{"沪/上海/黄浦", "沪/上海/静安", "沪/上海/黄浦", "沪/上海/", "沪/上海/", "//", "//", "粤/广州/天河", "粤/广州/天河"},
			limit:   3,
			parts:   []string{"5 6", "7 8", "3 4", "0 2"},
			crowded: []string{"0 1 2 3 4"},
		},
		{
			name:    "over the limit: parts still over it are capped",
			places:  []string{"沪/上海/黄浦", "沪/上海/黄浦", "沪/上海/黄浦", "//", "//", "//", "粤/广州/天河"},
			limit:   2,
			parts:   []string{"3 4 5!", "0 1 2!"},
			crowded: []string{"0 1 2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := &features{f: make([]feat, len(tc.places))}
			blk := make([]entry, len(tc.places))
			for i, p := range tc.places {
				s := strings.Split(p, "/")
				fs.f[i].province, fs.f[i].city, fs.f[i].district = s[0], s[1], s[2]
				blk[i] = entry{h: 1, i: int32(i)}
			}
			parts, across, crowded := splitBlock(fs, placesOf(fs), blk, tc.limit)
			var gotParts, gotAcross, gotCrowded []string
			for _, c := range crowded {
				gotCrowded = append(gotCrowded, records(c))
			}
			if !slices.Equal(gotCrowded, tc.crowded) {
				t.Errorf("crowded %q, want %q", gotCrowded, tc.crowded)
			}
			for _, p := range parts {
				s := records(p.entries)
				if p.capped {
					s += "!"
				}
				gotParts = append(gotParts, s)
			}
			for _, u := range across {
				gotAcross = append(gotAcross, records(u.unknown)+">"+records(u.known))
			}
			if !slices.Equal(gotParts, tc.parts) {
				t.Errorf("parts %q, want %q", gotParts, tc.parts)
			}
			if !slices.Equal(gotAcross, tc.across) {
				t.Errorf("across %q, want %q", gotAcross, tc.across)
			}
		})
	}
}

func records(es []entry) string {
	s := make([]string, len(es))
	for k, e := range es {
		s[k] = fmt.Sprint(e.i)
	}
	return strings.Join(s, " ")
}

// TestAppendWindow pins the windows a busy address or a crowded city is
// compared by: each record with the next w-1 in order of a sort key, a
// pair once, first record first, records without the key and settled
// pairs left out.
func TestAppendWindow(t *testing.T) {
	pys := []string{"wangfang", "", "lina", "zhangwei", "liuyang"} // order: 2 4 0 3, 1 left out
	fs := &features{f: make([]feat, len(pys))}
	blk := make([]entry, len(pys))
	for i, py := range pys {
		fs.f[i].name.py = py
		blk[i] = entry{h: 1, i: int32(i)}
	}
	pair := func(i, j int32) uint64 { return uint64(i)<<32 | uint64(j) }
	tests := []struct {
		name    string
		w       int
		settled func(i, j int32) bool
		want    []uint64
	}{
		{"window of 2", 2, nil, []uint64{pair(2, 4), pair(0, 4), pair(0, 3)}},
		{"window of 3", 3, nil, []uint64{pair(2, 4), pair(0, 2), pair(0, 4), pair(3, 4), pair(0, 3)}},
		{"settled pairs left out", 2, func(i, j int32) bool { return i == 0 }, []uint64{pair(2, 4)}},
		{"window over the block", 9, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := appendWindow(nil, fs, blk, tc.w, namePinyin, tc.settled)
			want := tc.want
			if want == nil && tc.settled == nil {
				for i := range int32(len(pys)) {
					for j := i + 1; j < int32(len(pys)); j++ {
						if pys[i] != "" && pys[j] != "" {
							want = append(want, pair(i, j))
						}
					}
				}
				slices.Sort(got)
			}
			if !slices.Equal(got, want) {
				t.Errorf("pairs %x, want %x", got, want)
			}
		})
	}
}
