package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/crmclean/crmclean/pipeline/state/statetest"
)

// releaseState is a state file written by the release at commit f1141d3
// from the fixture sheets, with a keep decision, and that release's outputs
// of its last run (state/testdata/release-f1141d3/README.md).
const releaseState = "state/testdata/release-f1141d3"

// TestSyncOnReleaseState runs on a state written by the release before the
// shared strings: the run is incremental, every customer keeps its id and
// is unchanged, the outputs are the release's to the byte, decisions
// included; a file edited afterwards has its rows stored again in the
// current form, and a run after that still finds every other customer
// unchanged.
func TestSyncOnReleaseState(t *testing.T) {
	e := newSyncEnv(t)
	if err := os.MkdirAll(filepath.Dir(e.state), 0o700); err != nil {
		t.Fatal(err)
	}
	statetest.Gunzip(t, filepath.Join(releaseState, "state.db.gz"), e.state)

	zh := func(c *Config) { c.Lang = "zh" } // as the release's run, the command line's default
	res, out := e.run(zh)
	if res.Sync.First || res.Sync.RulesChanged {
		t.Fatalf("first=%v rulesChanged=%v: want an incremental run", res.Sync.First, res.Sync.RulesChanged)
	}
	if got := changesByKind(res); len(got["unchanged"]) != len(res.Customers) || len(got) != 1 {
		t.Errorf("changes on the release's state: %d kinds, %d unchanged of %d customers", len(got), len(got["unchanged"]), len(res.Customers))
	}
	for _, f := range []string{"clean.csv", "lineage.csv", "links.csv", "review.csv", "changes.csv"} {
		sameFile(t, filepath.Join(out, f), filepath.Join(releaseState, f))
	}

	// A new row in one file: that file is read again and its rows stored
	// again (in the shared form); the others come from the release's rows.
	f, err := os.OpenFile(filepath.Join(e.sheets, "客服中心.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	line, err := simplifiedchinese.GBK.NewEncoder().String("GD24010001,新客户甲,新客户甲,13811112222,,,2024年1月2日\n") // the file is GBK
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(line); err != nil {
		t.Fatal(err)
	}
	f.Close()
	second, _ := e.run(zh)
	if got := changesByKind(second); len(got["new"]) != 1 || len(got["unchanged"]) < len(res.Customers)-1 {
		t.Errorf("after a new row: %d new, %d unchanged; want 1 new and the rest (%d) unchanged",
			len(got["new"]), len(got["unchanged"]), len(res.Customers))
	}
	third, _ := e.run(zh)
	if got := changesByKind(third); len(got["unchanged"]) != len(third.Customers) || len(got) != 1 {
		t.Errorf("run after: %d kinds, %d unchanged of %d", len(got), len(got["unchanged"]), len(third.Customers))
	}
	if !slices.Equal(customerIDs(second), customerIDs(third)) {
		t.Error("customer ids changed between two runs on the migrated state")
	}
}
