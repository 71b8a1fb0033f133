package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(t *testing.T, r *rules.Rules, path string) ([]*record.Record, FileReport) {
	t.Helper()
	var recs []*record.Record
	rep := NewReader(r).ReadFile(context.Background(), Input{Path: path, Rel: filepath.Base(path)}, func(rec *record.Record) {
		recs = append(recs, rec)
	})
	return recs, rep
}

func TestReadAccountsForEveryRow(t *testing.T) {
	csv := "客户台账\n\n客户名称,联系人,手机,身份证号,跟进阶段\n北京华信科技有限公司,张伟,13800138000,110101199001011234,意向\n同上,李娜,无,,\"\"\n\n合计,,2,,\n制表人：王芳\n"
	path := writeFile(t, t.TempDir(), "台账.csv", csv)
	recs, rep := readAll(t, rules.Default(), path)
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	want := []struct {
		row    int
		status record.Status
		reason string
	}{
		{1, record.Skipped, "title row"},
		{2, record.Skipped, "blank row"},
		{3, record.Skipped, "header row"},
		{4, "", ""},
		{5, "", ""},
		{6, record.Skipped, "blank row"},
		{7, record.Skipped, "footer"},
		{8, record.Skipped, "footer"},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		r := recs[i]
		if r.Prov.Row != w.row || r.Status != w.status || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("record %d: row %d status %q reason %q; want row %d %q containing %q", i, r.Prov.Row, r.Status, r.Reason, w.row, w.status, w.reason)
		}
	}
	// Sensitive column dropped, ditto resolved, placeholder emptied.
	for _, r := range recs[3:5] {
		for _, v := range r.Values {
			if v.Header() == "身份证号" {
				t.Errorf("row %d: sensitive column kept", r.Prov.Row)
			}
		}
	}
	if got := recs[4].Get(record.FieldName); got != "北京华信科技有限公司" {
		t.Errorf("ditto not resolved: name = %q", got)
	}
	if got := recs[4].Get(record.FieldPhone); got != "" {
		t.Errorf("placeholder 无 not emptied: phone = %q", got)
	}
	if !slices.ContainsFunc(recs[4].Issues, func(i record.Issue) bool { return i.Rule == "cell.ditto" && i.Col == 0 }) {
		t.Errorf("ditto fix not recorded: %+v", recs[4].Issues)
	}
	// Unmapped columns travel as extras under their header.
	if !slices.ContainsFunc(recs[3].Values, func(v record.Value) bool {
		return v.Field() == "" && v.Header() == "跟进阶段" && v.Text() == "意向"
	}) {
		t.Errorf("extra column lost: %+v", recs[3].Values)
	}
}

func TestKeepSensitiveWhenRulesSaySo(t *testing.T) {
	r := rules.Default()
	r.Sensitive.Keep = true
	path := writeFile(t, t.TempDir(), "a.csv", "客户名称,身份证号\n张伟,110101199001011234\n")
	recs, _ := readAll(t, r, path)
	if !slices.ContainsFunc(recs[1].Values, func(v record.Value) bool { return v.Field() == "sensitive" }) {
		t.Errorf("sensitive column not kept with keep: true: %+v", recs[1].Values)
	}
}

func TestFingerprintSurvivesInsertedRows(t *testing.T) {
	dir := t.TempDir()
	before := writeFile(t, dir, "a/客户.csv", "客户名称,手机\n甲公司,13800138000\n乙公司,13900139000\n乙公司,13900139000\n")
	after := writeFile(t, dir, "b/客户.csv", "客户名称,手机\n新公司,13700137000\n甲公司,13800138000\n乙公司,13900139000\n乙公司,13900139000\n")
	a, _ := readAll(t, rules.Default(), before)
	b, _ := readAll(t, rules.Default(), after)
	if a[1].Fingerprint != b[2].Fingerprint || a[2].Fingerprint != b[3].Fingerprint || a[3].Fingerprint != b[4].Fingerprint {
		t.Error("fingerprints changed when a row was inserted above")
	}
	if a[2].Fingerprint == a[3].Fingerprint {
		t.Error("identical rows share a fingerprint")
	}
}

func TestNoHeaderRowsRejected(t *testing.T) {
	path := writeFile(t, t.TempDir(), "x.csv", "12,34\n56,78\n")
	recs, rep := readAll(t, rules.Default(), path)
	if rep.Sheets[0].HeaderFound {
		t.Fatal("header found in a sheet of numbers")
	}
	for _, r := range recs {
		if r.Status != record.Rejected || !strings.Contains(r.Reason, "no header") {
			t.Errorf("row %d: %q %q", r.Prov.Row, r.Status, r.Reason)
		}
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.xlsx", "a.csv", "sub/c.tsv", "~$b.xlsx", ".hidden.csv", "notes.docx", ".git/x.csv",
		"out/clean.csv", "out/" + source.OutputMarker} {
		writeFile(t, dir, n, "x")
	}
	in, ignored, err := Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, i := range in {
		rels = append(rels, i.Rel)
	}
	if want := []string{"a.csv", "b.xlsx", "sub/c.tsv"}; !slices.Equal(rels, want) {
		t.Errorf("inputs %v, want %v", rels, want)
	}
	if len(ignored) != 5 {
		t.Errorf("ignored %v, want 5 (lock file, hidden file, docx, hidden folder, output folder)", ignored)
	}
	if !slices.ContainsFunc(ignored, func(i Ignored) bool {
		return i.Path == filepath.Join(dir, "out") && strings.Contains(i.Reason, "crmclean output folder")
	}) {
		t.Errorf("the output folder is not listed as skipped: %v", ignored)
	}
	// A file given directly is named by its base name.
	in, _, _ = Discover([]string{filepath.Join(dir, "sub", "c.tsv")})
	if in[0].Rel != "c.tsv" {
		t.Errorf("direct file rel = %q", in[0].Rel)
	}
}

// TestIdenticalRowsNameTheirFirst checks which rows are taken for copies
// of an earlier row (record.SameAs, merged until the pipeline names the
// row): the same cells under the same headers, with or without a source
// id; not a row sharing only its source id, nor one in another sheet.
func TestIdenticalRowsNameTheirFirst(t *testing.T) {
	for _, tt := range []struct {
		name    string
		content string
		copies  []int // rows taken for copies of the row in same
		same    int
	}{
		{"NoSourceID", "客户名称,手机\n甲公司,13800138000\n甲公司,13800138000\n乙公司,13900139000\n甲公司,13800138000\n", []int{3, 5}, 2},
		{"SameSourceID", "客户编号,客户名称,手机\nA1,甲公司,13800138000\nA1,甲公司,13800138000\n", []int{3}, 2},
		{"SourceIDOnly", "客户编号,客户名称,手机\nA1,甲公司,13800138000\nA1,甲公司,13700137000\nA1,甲公司,13600136000\n", nil, 0},
		{"DittoMark", "客户名称,手机\n甲公司,13800138000\n〃,13800138000\n", []int{3}, 2},
		{"OtherContent", "客户名称,手机\n甲公司,13800138000\n甲公司,13800138001\n", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recs, _ := readAll(t, rules.Default(), writeFile(t, t.TempDir(), "客户.csv", tt.content))
			fps := map[int]string{}
			var copies []int
			for _, r := range recs {
				fps[r.Prov.Row] = r.Fingerprint
				if r.SameAs == "" {
					if r.Status == record.Merged {
						t.Errorf("row %d merged but no copy", r.Prov.Row)
					}
					continue
				}
				copies = append(copies, r.Prov.Row)
				if r.Status != record.Merged || r.Reason != ReasonIdentical || r.SameAs != fps[tt.same] {
					t.Errorf("row %d: %s %q, same as %s; want merged as a copy of row %d (%s)", r.Prov.Row, r.Status, r.Reason, r.SameAs, tt.same, fps[tt.same])
				}
			}
			if !slices.Equal(copies, tt.copies) {
				t.Errorf("copies at rows %v, want %v", copies, tt.copies)
			}
		})
	}
}

// TestRowValuesLeaveNoRoom: a row's values are cut from an array shared
// with the next rows, with no room left over (blank cells take none), and
// appending to one row's values never writes over the next row's.
func TestRowValuesLeaveNoRoom(t *testing.T) {
	var b strings.Builder
	b.WriteString("客户名称,联系人,手机,地址,备注\n")
	for i := range 300 { // more rows than the first arrays hold
		fmt.Fprintf(&b, "公司%d,张伟%d,,上海市浦东新区%d号,\n", i, i, i)
	}
	recs, rep := readAll(t, rules.Default(), writeFile(t, t.TempDir(), "a.csv", b.String()))
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	var data []*record.Record
	for _, r := range recs {
		if r.Status == "" {
			data = append(data, r)
		}
	}
	if len(data) != 300 {
		t.Fatalf("%d data rows, want 300", len(data))
	}
	for _, r := range data {
		if len(r.Values) != 3 || cap(r.Values) != len(r.Values) {
			t.Fatalf("row %d: %d values, room for %d; want 3 and no room", r.Prov.Row, len(r.Values), cap(r.Values))
		}
	}
	next := slices.Clone(data[1].Values)
	data[0].Values = append(data[0].Values, record.NewValue(record.FieldNotes, 4, "", "x", "x"))
	if !slices.Equal(data[1].Values, next) {
		t.Errorf("appending to row %d's values changed row %d's: %v, want %v", data[0].Prov.Row, data[1].Prov.Row, data[1].Values, next)
	}
}
