package sink

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

// LinkColumns are the columns of links.csv, which `crmclean explain` reads.
var LinkColumns = []string{"customer_id", "pair_id", "score", "source_a", "sheet_a", "row_a", "source_b", "sheet_b", "row_b", "evidence"}

// Evidence renders a pair's evidence as "field outcome +w (detail)" items.
func Evidence(p match.Pair) string { return string(appendEvidence(nil, p)) }

func appendEvidence(b []byte, p match.Pair) []byte {
	for i, e := range p.Evidence {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(append(append(b, e.Field...), ' '), e.Outcome...)
		b = appendWeight(append(b, ' '), e.Weight)
		open := len(b)
		if b = e.AppendText(append(b, " ("...), "en"); len(b) == open+2 {
			b = b[:open] // no detail
		} else {
			b = append(b, ')')
		}
	}
	return b
}

// appendWeight appends w as fmt's %+.1f writes it, without fmt: links.csv
// holds a few of them on each of up to a million lines.
func appendWeight(b []byte, w float64) []byte {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return fmt.Appendf(b, "%+.1f", w)
	}
	if !math.Signbit(w) {
		b = append(b, '+')
	}
	return strconv.AppendFloat(b, w, 'f', 1, 64)
}

// WriteLinks writes links.csv: every automatic-merge link between two rows
// of one customer, with its score and evidence.
func WriteLinks(ctx context.Context, dir string, recs []*record.Record, links []match.Pair) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "links.csv"), LinkColumns)
	if err != nil {
		return err
	}
	var cell []byte
	for _, p := range links {
		a, b := recs[p.A], recs[p.B]
		w.Cell(a.CustomerID)
		cell = appendPairID(cell[:0], a.Fingerprint, b.Fingerprint)
		w.Bytes(cell)
		cell = strconv.AppendFloat(cell[:0], p.Score, 'f', 1, 64)
		w.Bytes(cell)
		w.Cell(a.Prov.File)
		w.Cell(a.Prov.Sheet)
		w.Int(a.Prov.Row)
		w.Cell(b.Prov.File)
		w.Cell(b.Prov.Sheet)
		w.Int(b.Prov.Row)
		cell = appendEvidence(cell[:0], p)
		w.Bytes(cell)
		if err := w.EndRow(); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
