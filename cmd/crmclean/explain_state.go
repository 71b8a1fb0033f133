package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
)

// explainFromState explains customers from a state file: it builds, for
// the customers asked about, the same tables explainOne reads from an
// output folder (their golden record, rows, links and open review pairs).
func explainFromState(path string, ids []string, w io.Writer) error {
	if err := stateExists(path); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := state.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range ids {
		c, ok, err := st.Customer(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			return usagef("customer %q is not in %s", id, path)
		case c.MergedInto != "":
			fmt.Fprintf(w, "%s was merged into %s; explaining %s.\n\n", id, c.MergedInto, c.MergedInto)
			id = c.MergedInto
		case c.Retired:
			return usagef("customer %q was retired: its rows are gone from the inputs", id)
		}
		t, err := stateTables(ctx, st, id)
		if err != nil {
			return err
		}
		if err := explainOne(w, id, t); err != nil {
			return err
		}
	}
	return nil
}

func stateTables(ctx context.Context, st *state.Store, id string) (map[string][]map[string]string, error) {
	golden, err := st.Golden(ctx, id)
	if err != nil {
		return nil, err
	}
	var c merge.Customer
	if err := json.Unmarshal(golden, &c); err != nil {
		return nil, fmt.Errorf("read customer %s from the state: %w", id, err)
	}
	t := map[string][]map[string]string{}
	t["clean.csv"] = []map[string]string{zip(sink.CleanColumns, sink.CleanRow(&c, sink.Extras{}))}
	rows, err := st.CustomerRows(ctx, id)
	if err != nil {
		return nil, err
	}
	mine := map[string]state.Row{}
	for _, r := range rows {
		mine[r.Fingerprint] = r
		t["lineage.csv"] = append(t["lineage.csv"], map[string]string{"customer_id": id, "status": string(r.Status),
			"source_file": r.Prov.File, "sheet": r.Prov.Sheet, "row": strconv.Itoa(r.Prov.Row)})
	}
	decisions, err := st.Decisions(ctx)
	if err != nil {
		return nil, err
	}
	decided := map[[2]string]string{}
	for _, d := range decisions {
		decided[state.PairKey(d.A, d.B)] = d.Verdict
	}
	err = st.EachPair(ctx, "", func(p state.Pair) error {
		a, inA := mine[p.A]
		b, inB := mine[p.B]
		if !inA && !inB {
			return nil
		}
		ev, err := state.DecodeEvidence(p.Evidence)
		if err != nil {
			return err
		}
		evidence := sink.Evidence(match.Pair{Score: p.Score, Evidence: ev})
		score := strconv.FormatFloat(p.Score, 'f', 1, 64)
		switch {
		case p.Kind == state.PairLink && inA && inB:
			t["links.csv"] = append(t["links.csv"], map[string]string{"customer_id": id, "score": score, "evidence": evidence,
				"source_a": a.Prov.File, "sheet_a": a.Prov.Sheet, "row_a": strconv.Itoa(a.Prov.Row),
				"source_b": b.Prov.File, "sheet_b": b.Prov.Sheet, "row_b": strconv.Itoa(b.Prov.Row)})
		case p.Kind == state.PairReview && inA != inB:
			t["review.csv"] = append(t["review.csv"], map[string]string{"customer_id_a": id, "customer_id_b": "(" + otherFP(p, inA) + ")",
				"pair_id": sink.PairID(p.A, p.B), "score": score, "evidence": evidence, "decision": decided[state.PairKey(p.A, p.B)]})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pairs from the state: %w", err)
	}
	// Name the other side of each review pair by its customer.
	for _, r := range t["review.csv"] {
		fp := strings.Trim(r["customer_id_b"], "()")
		if row, ok, err := st.Row(ctx, fp); err == nil && ok && row.CustomerID != "" {
			r["customer_id_b"] = row.CustomerID
		}
	}
	return t, nil
}

func otherFP(p state.Pair, aIsMine bool) string {
	if aIsMine {
		return p.B
	}
	return p.A
}

func zip(keys, values []string) map[string]string {
	m := make(map[string]string, len(keys))
	for i, k := range keys {
		if i < len(values) {
			m[k] = values[i]
		}
	}
	return m
}
