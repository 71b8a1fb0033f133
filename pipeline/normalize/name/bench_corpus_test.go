package name

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize/address"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// newDefaultNamer builds the Namer normalize.New builds: the default rules
// and the address package's region names.
func newDefaultNamer(tb testing.TB) *Namer {
	r := rules.Default()
	opt := Options{
		LegalForms: r.Names.LegalForms, CompanyWords: r.Names.CompanyWords,
		BranchWords: r.Names.BranchWords, IndividualMarkers: r.Names.IndividualMarkers,
		Regions: address.RegionNames(), Places: address.PlaceNames(), BrandLike: address.BrandLikeRegions(),
		Surnames: r.Pinyin.Surnames, PlaceWords: r.Pinyin.PlaceWords,
	}
	if err := opt.Validate(); err != nil {
		tb.Fatalf("default rules: %v", err)
	}
	return New(opt)
}

// nameRow is the name and contact cells of one row.
type nameRow struct{ name, contact string }

// corpusNameRows reads the distinct (Customer Name, Contact) pairs of the
// benchmark corpus' legacy export, or skips when CRMCLEAN_BENCH_DIR is not
// set. The cells are taken as they are: the traditional-to-simplified step
// before the Namer is another package's.
func corpusNameRows(b *testing.B) []nameRow {
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR not set (e.g. /tmp/crmclean-bench)")
	}
	path := filepath.Join(dir, "sheets", "老系统导出.csv")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		b.Fatalf("read %s: %v", path, err)
	}
	if len(recs) == 0 {
		b.Fatalf("%s: no header", path)
	}
	nameCol, contactCol := -1, -1
	for i, h := range recs[0] {
		switch h {
		case "Customer Name":
			nameCol = i
		case "Contact":
			contactCol = i
		}
	}
	if nameCol < 0 || contactCol < 0 {
		b.Fatalf("%s: no Customer Name or Contact column in %q", path, recs[0])
	}
	seen := make(map[nameRow]bool)
	var rows []nameRow
	for _, rec := range recs[1:] {
		var x nameRow
		if nameCol < len(rec) {
			x.name = rec[nameCol]
		}
		if contactCol < len(rec) {
			x.contact = rec[contactCol]
		}
		if !seen[x] {
			seen[x] = true
			rows = append(rows, x)
		}
	}
	return rows
}

// nameStep makes the calls normalize.(*Normalizer).name makes for a row.
func nameStep(n *Namer, nm, contact string) (kind record.Kind, display, contactOut, key string) {
	if n.IsIndividualMarker(nm) {
		nm = ""
	}
	switch {
	case nm == "" && contact != "":
		kind = record.Person
		display = n.Display(contact)
		contactOut = display
	case nm != "":
		kind, display = n.KindAndDisplay(nm, contact != "" && contact != nm)
		if contact != "" {
			contactOut = n.Display(contact)
		} else if kind == record.Person {
			contactOut = display
		}
	}
	if kind == record.Company || display != "" {
		key = n.MatchKey(display)
	}
	return kind, display, contactOut, key
}

// BenchmarkCorpusNameStep runs the name step of normalization over the
// distinct name/contact pairs of the benchmark corpus.
func BenchmarkCorpusNameStep(b *testing.B) {
	rows := corpusNameRows(b)
	n := newDefaultNamer(b)
	b.ReportAllocs()
	done := 0
	for b.Loop() {
		x := rows[done%len(rows)]
		nameStep(n, x.name, x.contact)
		done++
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "rows/s")
}
