package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckListsForcedHouseholdMerges forces through, with decide merge,
// the merge of every pair of labelled family members of the fixtures (rows
// of different people sharing a number: truth cases hn_family_*), and
// checks that the report's "check these" panel lists each merged customer
// with the command explaining it.
func TestCheckListsForcedHouseholdMerges(t *testing.T) {
	truth := readCSV(t, filepath.Join(fixtures, "..", "truth.csv"))
	families := map[string][]map[string]string{}
	for _, r := range truth {
		if strings.HasPrefix(r["case"], "hn_family") {
			families[r["case"]] = append(families[r["case"]], r)
		}
	}
	var pairs [][2]string
	ref := func(r map[string]string) string {
		if r["sheet"] == "" {
			return r["source_file"] + ":" + r["row"]
		}
		return r["source_file"] + ":" + r["sheet"] + ":" + r["row"]
	}
	for _, rows := range families {
		for i := 1; i < len(rows); i++ {
			if rows[i]["entity_id"] != rows[0]["entity_id"] && rows[i]["name"] != rows[0]["name"] {
				pairs = append(pairs, [2]string{ref(rows[0]), ref(rows[i])})
			}
		}
	}
	if len(pairs) == 0 {
		t.Fatal("the fixtures label no family members (truth cases hn_family_*)")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	out1, out2 := filepath.Join(dir, "out1"), filepath.Join(dir, "out2")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", db, "--out", out1, fixtures); code != exitOK {
		t.Fatalf("run 1: exit %d\n%s", code, stderr)
	}
	for _, p := range pairs {
		if code, _, stderr := runCLI(t, "decide", "merge", "--state", db, p[0], p[1]); code != exitOK {
			t.Fatalf("decide merge %s %s: exit %d\n%s", p[0], p[1], code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", db, "--out", out2, fixtures); code != exitOK {
		t.Fatalf("run 2: exit %d\n%s", code, stderr)
	}
	customerOf := map[string]string{}
	for _, l := range readCSV(t, filepath.Join(out2, "lineage.csv")) {
		k := l["source_file"] + ":" + l["row"]
		if l["sheet"] != "" {
			k = l["source_file"] + ":" + l["sheet"] + ":" + l["row"]
		}
		customerOf[k] = l["customer_id"]
	}
	data, err := os.ReadFile(filepath.Join(out2, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Check struct {
			MixedNamesList []struct {
				CustomerID string   `json:"customer_id"`
				Names      []string `json:"names"`
				Explain    string   `json:"explain"`
			} `json:"mixed_names_list"`
		} `json:"check"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		id := customerOf[p[0]]
		if id == "" || customerOf[p[1]] != id {
			t.Errorf("%s and %s were decided merge but are customers %q and %q", p[0], p[1], id, customerOf[p[1]])
			continue
		}
		found := false
		for _, c := range doc.Check.MixedNamesList {
			if c.CustomerID == id {
				found = true
				if c.Explain != "crmclean explain "+id || len(c.Names) < 2 {
					t.Errorf("panel entry %+v: want two names and the explain command", c)
				}
			}
		}
		if !found {
			t.Errorf("customer %s (%s + %s, merged by decision) is not in the check panel: %+v", id, p[0], p[1], doc.Check.MixedNamesList)
		}
	}
}
