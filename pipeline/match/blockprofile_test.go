package match

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
)

// BlockProfile describes, per key type, the blocks Match builds for recs:
// how many blocks of each size (before oversized ones are split), the raw
// pairs the compared parts yield, and the largest block.
func BlockProfile(recs []*record.Record, opt Options) string {
	_ = opt.defaults()
	fs := extract(recs, &opt)
	es, _ := blockEntries(context.Background(), fs, opt.Workers)
	es = slices.CompactFunc(es, func(a, b entry) bool { return a.h == b.h && a.i == b.i })
	bounds := []int{2, 3, 5, 10, 25, 50, 100, 200, 1000, 1 << 30}
	type prof struct {
		hist       []int
		pairs, big int
		top        int
	}
	ps := make([]prof, len(keyTypes))
	for t := range ps {
		ps[t].hist = make([]int, len(bounds))
	}
	strong, weak := opt.BlockLimit(false), opt.BlockLimit(true)
	for lo, hi := range blocks(es) {
		blk := es[lo:hi]
		if len(blk) < 2 {
			continue
		}
		t := blk[0].typ
		if t == typInitials && !slices.ContainsFunc(blk, func(e entry) bool { return fs.f[e.i].name.abbreviated() }) {
			continue
		}
		p := &ps[t]
		for k, b := range bounds {
			if len(blk) <= b {
				p.hist[k]++
				break
			}
		}
		p.top = max(p.top, len(blk))
		limit := strong
		if weakKey[t] {
			limit = weak
		}
		fine := limit
		if grows[t] {
			fine = min(limit, fineBlock)
		}
		if t == typAddress && len(blk) > fine {
			p.big++
			p.pairs += len(appendWindow(nil, fs, blk, window, namePinyin, nil))
			continue
		}
		if len(blk) > fine {
			p.big++
			parts, across, crowded := splitBlock(fs, placesOf(fs), blk, limit)
			for _, sub := range parts {
				if !sub.capped {
					p.pairs += len(sub.entries) * (len(sub.entries) - 1) / 2
				}
			}
			for _, c := range crowded {
				p.pairs += len(appendWindow(nil, fs, c, window, firstMobile, nil)) + len(appendWindow(nil, fs, c, window, addressOf, nil))
			}
			for _, c := range across {
				p.pairs += len(c.unknown) * len(c.known)
			}
			continue
		}
		p.pairs += len(blk) * (len(blk) - 1) / 2
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-14s %9s", "key", "pairs")
	for _, b := range bounds {
		fmt.Fprintf(&sb, " %8s", fmt.Sprintf("<=%d", min(b, 99999)))
	}
	fmt.Fprintf(&sb, " %6s %6s\n", "split", "top")
	for t, p := range ps {
		fmt.Fprintf(&sb, "%-14s %9d", keyTypes[t], p.pairs)
		for _, c := range p.hist {
			fmt.Fprintf(&sb, " %8d", c)
		}
		fmt.Fprintf(&sb, " %6d %6d\n", p.big, p.top)
	}
	return sb.String()
}
