package sink

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

func issueRecords() []*record.Record {
	owned := func(row int, owner string, issues ...record.Issue) *record.Record {
		return &record.Record{Prov: record.Provenance{File: "台账.xlsx", Sheet: "华东", Row: row}, Status: record.Kept,
			Values: []record.Value{record.NewValue(record.FieldOwner, 5, "负责人", owner, owner)}, Issues: issues}
	}
	bad := record.NewIssue(record.Issue{Field: "phone", Col: 2, Header: "手机", Value: "=1380013800", Rule: "phone.invalid", Severity: record.Warning},
		msg.New("phone.invalid", "=1380013800", msg.Nested("phone.why.mobile_length", "10")))
	ditto := record.NewIssue(record.Issue{Field: "contact", Col: 1, Header: "联系人", Value: "同上", Rule: "cell.ditto", Severity: record.Info, Fix: "张伟"},
		msg.New("cell.ditto"))
	secret := record.Issue{Field: "sensitive", Col: 7, Header: "身份证号", Value: "110101199003071234", Rule: "cell.lossy_number", Severity: record.Warning, Message: "x"}
	return []*record.Record{
		owned(3, "王磊", bad, secret),
		owned(4, "李娜", ditto),
		{Prov: record.Provenance{File: "台账.xlsx", Sheet: "华东", Row: 9}, Status: record.Skipped, Reason: "blank row",
			Issues: []record.Issue{bad}}, // never: skipped rows are not data
	}
}

func TestIssueLines(t *testing.T) {
	got := IssueLines(issueRecords(), "zh")
	want := [][]string{
		{"台账.xlsx", "华东", "3", "C", "手机", "=1380013800", "phone.invalid", "warning", "“=1380013800”不是电话号码：10 位数字，手机号应为 11 位", "需人工处理", "王磊"},
		{"台账.xlsx", "华东", "3", "H", "身份证号", "", "cell.lossy_number", "warning", "x", "需人工处理", "王磊"},
		{"台账.xlsx", "华东", "4", "B", "联系人", "同上", "cell.ditto", "info", "“同上”已替换为上一行的值", "张伟", "李娜"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IssueLines:\n got %q\nwant %q", got, want)
	}
}

func TestWriteIssues(t *testing.T) {
	dir := t.TempDir()
	if err := WriteIssues(context.Background(), dir, issueRecords(), "en"); err != nil {
		t.Fatal(err)
	}
	if err := WriteIssuesXLSX(context.Background(), dir, issueRecords(), "en"); err != nil {
		t.Fatal(err)
	}
	csvText, err := os.ReadFile(filepath.Join(dir, "issues.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(csvText), ",'=1380013800,") {
		t.Errorf("issues.csv does not neutralise a value starting with =:\n%s", csvText)
	}
	if strings.Contains(string(csvText), "110101199003071234") {
		t.Error("issues.csv shows a sensitive value")
	}
	f := openXLSX(t, filepath.Join(dir, "issues.xlsx"))
	if got, want := f.GetSheetList(), []string{"李娜", "王磊", "summary"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %v, want %v (one per owner, then the summary)", got, want)
	}
	rows := sheetRows(t, f)
	if len(rows["王磊"]) != 3 || len(rows["李娜"]) != 2 {
		t.Errorf("owner sheets hold %d and %d rows, want 3 and 2 (header included)", len(rows["王磊"]), len(rows["李娜"]))
	}
	if want := []string{"王磊", "王磊", "2", "2"}; !reflect.DeepEqual(rows["summary"][2], want) {
		t.Errorf("summary row %v, want %v", rows["summary"][2], want)
	}
	if v, _ := f.GetCellValue("王磊", "F2"); v != "=1380013800" {
		t.Errorf("value cell %q, want the value as text", v)
	}
	if formula, _ := f.GetCellFormula("王磊", "F2"); formula != "" {
		t.Errorf("value cell holds formula %q", formula)
	}
	for _, name := range []string{"issues.csv", "issues.xlsx"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", name, fi.Mode().Perm(), err)
		}
	}
}

// TestIssuesXLSXReusesItsCells checks that issues.xlsx's rows are built in
// one reused cell slice: a new slice per line was 5 CPU-s of a million-row
// state run. Doubling the lines must not double the allocations.
func TestIssuesXLSXReusesItsCells(t *testing.T) {
	allocs := func(n int) float64 {
		lines := make([][]string, n)
		for i := range lines {
			line := make([]string, len(IssueColumns))
			line[columnIndex(IssueColumns, "source_file")] = "客服中心.csv"
			line[columnIndex(IssueColumns, "message")] = "手机号码少一位"
			lines[i] = line
		}
		dir := t.TempDir()
		return testing.AllocsPerRun(2, func() {
			if err := writeIssuesXLSX(context.Background(), dir, lines, "zh"); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(2000), allocs(4000)
	if large-small > 500 {
		t.Errorf("writing 2000 more issue lines made %.0f more allocations (%.0f for 2000 lines, %.0f for 4000): one or more a line", large-small, small, large)
	}
}
