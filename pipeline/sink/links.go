package sink

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

// LinkColumns are the columns of links.csv, which `crmclean explain` reads.
var LinkColumns = []string{"customer_id", "pair_id", "score", "source_a", "sheet_a", "row_a", "source_b", "sheet_b", "row_b", "evidence"}

// Evidence renders a pair's evidence as "field outcome +w (detail)" items.
func Evidence(p match.Pair) string {
	ev := make([]string, 0, len(p.Evidence))
	for _, e := range p.Evidence {
		line := fmt.Sprintf("%s %s %+.1f", e.Field, e.Outcome, e.Weight)
		if e.Detail != "" {
			line += " (" + e.Detail + ")"
		}
		ev = append(ev, line)
	}
	return strings.Join(ev, "; ")
}

// WriteLinks writes links.csv: every automatic-merge link between two rows
// of one customer, with its score and evidence.
func WriteLinks(dir string, recs []*record.Record, links []match.Pair) error {
	w, err := CreateCSV(filepath.Join(dir, "links.csv"), LinkColumns)
	if err != nil {
		return err
	}
	for _, p := range links {
		a, b := recs[p.A], recs[p.B]
		row := []string{a.CustomerID, PairID(a.Fingerprint, b.Fingerprint), fmt.Sprintf("%.1f", p.Score),
			a.Prov.File, a.Prov.Sheet, fmt.Sprint(a.Prov.Row), b.Prov.File, b.Prov.Sheet, fmt.Sprint(b.Prov.Row), Evidence(p)}
		if err := w.Write(row); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
