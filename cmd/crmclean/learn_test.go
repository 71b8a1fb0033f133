package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/sink"
)

// learnSheets writes two sheets holding six companies twice, each pair
// alike in name (one character read alike), at one address, the mobile
// on one side only: six review pairs of one evidence pattern.
func learnSheets(t *testing.T, dir string) {
	t.Helper()
	pairs := [][3]string{
		{"西安国芳网络科技有限公司", "西安锅芳网络科技有限公司", "陕西省西安市灞桥区中兴路970号安方科技园7号楼11层"},
		{"黄冈星明实业有限公司", "黄冈星命实业有限公司", "湖北省黄冈市黄州区阳大道325号诚安产业园30楼3009室"},
		{"山东炫明旅游发展有限公司", "山东炫明旅由发展有限公司", "山东省淄博市高青县长安街652号3幢1楼"},
		{"杭州恒丰电子有限公司", "杭州衡丰电子有限公司", "浙江省杭州市西湖区文三路88号华星科技大厦5楼"},
		{"成都金桥物流有限公司", "成都金乔物流有限公司", "四川省成都市武侯区人民南路四段12号6栋3单元"},
		{"南京宏达建材有限公司", "南京洪达建材有限公司", "江苏省南京市鼓楼区中山北路200号8楼"},
	}
	var a, b strings.Builder
	a.WriteString("客户名称,手机,地址\n")
	b.WriteString("单位,地址\n")
	for i, p := range pairs {
		fmt.Fprintf(&a, "%s,1391234%04d,%s\n", p[0], i, p[2])
		fmt.Fprintf(&b, "%s,%s\n", p[1], p[2])
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"客户.csv": a.String(), "会员.csv": b.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// otherSheet adds a sheet of four customers unlike each other and the
// companies of learnSheets: rows a run that learns a pattern leaves alone.
func otherSheet(t *testing.T, dir string) {
	t.Helper()
	body := "姓名,手机,地址\n王建国,13507310001,湖南省长沙市岳麓区麓山南路1号\n李秀英,13607310002,广东省广州市天河区体育西路2号\n" +
		"赵德明,13707310003,四川省绵阳市涪城区临园路3号\n孙丽华,13807310004,辽宁省大连市中山区人民路4号\n"
	if err := os.WriteFile(filepath.Join(dir, "门店.csv"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// decideRows fills the decision of the first n rows of review.csv.
func decideRows(t *testing.T, path string, n int, verdict string) (pattern string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	decision, pat := slices.Index(rows[0], "decision"), slices.Index(rows[0], "pattern")
	for _, r := range rows[1 : n+1] {
		r[decision] = verdict
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	if err := csv.NewWriter(&buf).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return rows[1][pat]
}

// TestLearnPattern: review decisions all one way on a pattern teach the
// next run to decide the pattern's other pairs itself, and forget-pattern
// undoes it.
func TestLearnPattern(t *testing.T) {
	out, db, run := learnProject(t, 1)
	if n, _ := run(); n != 6 {
		t.Fatalf("%d review pairs, want the 6 of the fixture", n)
	}
	review := filepath.Join(out, "review.csv")
	pattern := decideRows(t, review, 3, "合并")
	if code, stdout, stderr := runCLI(t, "review", "apply", "--state", db, review); code != exitOK {
		t.Fatalf("review apply: exit %d\n%s%s", code, stdout, stderr)
	}
	n, stderr := run()
	if n != 0 {
		t.Errorf("%d review pairs after 3 merges of %s, want the pattern's other pairs decided by the run", n, pattern)
	}
	if want := pattern + " (companies: name near · mobile missing · address agrees): 3 decided, all merge: merged by the run itself from now on (3 pairs of rows this run)"; !strings.Contains(stderr, want) {
		t.Errorf("summary does not say what moved (%q):\n%s", want, stderr)
	}
	// The stored pairs of the pattern are scored again, matching only
	// their customers' rows (and those of the pairs decided), not every
	// row.
	if !regexp.MustCompile(`pairs scored again +3 `).MatchString(stderr) || !regexp.MustCompile(`rows matched +12 `).MatchString(stderr) ||
		strings.Contains(stderr, "no longer applied") || strings.Contains(stderr, "rules changed") {
		t.Errorf("summary does not say the 3 stored pairs were scored again, matching only the 12 rows of the pattern's customers:\n%s", stderr)
	}
	if got := len(readCSV(t, filepath.Join(out, "clean.csv"))); got != 10 {
		t.Errorf("%d customers, want 10", got)
	}
	var rep struct {
		Budget struct {
			Learned []struct {
				Pattern, Verdict string
				Merge, Applied   int
			} `json:"learned"`
		} `json:"review_budget"`
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if l := rep.Budget.Learned; len(l) != 1 || l[0].Pattern != pattern || l[0].Verdict != "merge" || l[0].Merge != 3 || l[0].Applied != 3 {
		t.Errorf("report.json review_budget.learned %+v, want %s: 3 merge, applied to 3 pairs", l, pattern)
	}
	if html, _ := os.ReadFile(filepath.Join(out, "report.html")); !strings.Contains(string(html), "自动合并：本次决定 3 对记录") {
		t.Error("report.html does not say what the learned pattern did")
	}

	code, stdout, stderr := runCLI(t, "decide", "forget-pattern", "--state", db, pattern)
	if code != exitOK || !strings.Contains(stdout, "3 merge, 0 keep") {
		t.Fatalf("forget-pattern: exit %d\n%s%s", code, stdout, stderr)
	}
	if n, stderr := run(); n != 3 || !strings.Contains(stderr, "forgotten") || !strings.Contains(stderr, "no longer applied") {
		t.Errorf("%d review pairs after forget-pattern, want the 3 undecided back; summary:\n%s", n, stderr)
	}
	if code, _, stderr := runCLI(t, "decide", "forget-pattern", "--state", db, "no pattern"); code != exitUsage || !strings.Contains(stderr, "not a pattern code") {
		t.Errorf("forget-pattern of a bad code: exit %d, %s", code, stderr)
	}
}

// TestLearnKeepPattern: keep decisions all one way on a pattern leave its
// other stored pairs out of the next run's review without matching any
// row again, and forget-pattern brings them back.
func TestLearnKeepPattern(t *testing.T) {
	out, db, run := learnProject(t, 2)
	if n, _ := run(); n != 6 {
		t.Fatalf("%d review pairs, want the 6 of the fixture", n)
	}
	review := filepath.Join(out, "review.csv")
	pattern := decideRows(t, review, 3, "不合并")
	if code, stdout, stderr := runCLI(t, "review", "apply", "--state", db, review); code != exitOK {
		t.Fatalf("review apply: exit %d\n%s%s", code, stdout, stderr)
	}
	n, stderr := run()
	if n != 0 {
		t.Errorf("%d review pairs after 3 keeps of %s, want the pattern's other pairs left out", n, pattern)
	}
	if !regexp.MustCompile(`left out of review +3 `).MatchString(stderr) || !regexp.MustCompile(`rows matched +6 `).MatchString(stderr) ||
		strings.Contains(stderr, "pairs scored again") || strings.Contains(stderr, "no longer applied") {
		t.Errorf("summary does not say 3 stored pairs were left out, matching only the rows of the pairs decided:\n%s", stderr)
	}
	if !strings.Contains(stderr, "3 decided, all keep: not asked again and not linked from now on (3 pairs of rows this run)") {
		t.Errorf("summary does not say what the pattern did:\n%s", stderr)
	}
	if got := len(readCSV(t, filepath.Join(out, "clean.csv"))); got != 16 {
		t.Errorf("%d customers, want 16: nothing merged", got)
	}
	if code, stdout, stderr := runCLI(t, "decide", "forget-pattern", "--state", db, pattern); code != exitOK {
		t.Fatalf("forget-pattern: exit %d\n%s%s", code, stdout, stderr)
	}
	if n, stderr := run(); n != 3 {
		t.Errorf("%d review pairs after forget-pattern, want the 3 undecided back; summary:\n%s", n, stderr)
	}
}

// decidePattern fills the decision cell of pattern code on the patterns
// sheet of review.xlsx.
func decidePattern(t *testing.T, path, code, verdict string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("patterns")
	if err != nil {
		t.Fatal(err)
	}
	header := rows[1] // below the note
	for i, r := range rows[2:] {
		if j := slices.Index(header, "pattern"); j < len(r) && r[j] == code {
			cell, _ := excelize.CoordinatesToCellName(slices.Index(header, "decision")+1, i+3)
			if err := f.SetCellStr("patterns", cell, verdict); err != nil {
				t.Fatal(err)
			}
			if err := f.Save(); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("pattern %s not on the patterns sheet: %q", code, rows)
}

// TestDecidePatternSheet decides a whole pattern on review.xlsx's first
// sheet: review apply says how many pairs it decided, a pair's own
// decision wins, and run --decisions applies it in a batch run.
func TestDecidePatternSheet(t *testing.T) {
	dir := t.TempDir()
	sheets, out, db := filepath.Join(dir, "sheets"), filepath.Join(dir, "out"), filepath.Join(dir, "p.db")
	learnSheets(t, sheets)
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", db, "--out", out, sheets); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, filepath.Join(out, "review.csv"))
	if len(rows) != 6 {
		t.Fatalf("%d review pairs, want 6", len(rows))
	}
	code := rows[0]["pattern"]
	xlsx := filepath.Join(out, "review.xlsx")
	decidePattern(t, xlsx, code, "合并")
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	col, _ := excelize.ColumnNumberToName(slices.Index(sink.ReviewColumns, "decision") + 1)
	if err := f.SetCellStr("review", col+"2", "不合并"); err != nil { // the first pair, decided on its own
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	c, stdout, stderr := runCLI(t, "review", "apply", "--state", db, xlsx)
	if c != exitOK || !strings.Contains(stdout, "5 merge, 1 keep recorded") || !strings.Contains(stdout, "1 pattern decided 5 pairs") {
		t.Fatalf("review apply: exit %d\n%s%s", c, stdout, stderr)
	}
	batch := filepath.Join(dir, "batch")
	c, _, stderr = runCLI(t, "run", "--quiet", "--out", batch, "--decisions", xlsx, sheets)
	if c != exitOK || !strings.Contains(stderr, "6 pairs decided (5 by 1 pattern on the patterns sheet)") {
		t.Fatalf("run --decisions: exit %d\n%s", c, stderr)
	}
	if n := len(readCSV(t, filepath.Join(batch, "review.csv"))); n != 0 {
		t.Errorf("%d review pairs left, want none", n)
	}
	if n := len(readCSV(t, filepath.Join(batch, "clean.csv"))); n != 7 {
		t.Errorf("%d customers, want 7 (5 pairs merged, 1 kept apart)", n)
	}
}

// learnProject makes the learning fixture (learnSheets and others copies of
// otherSheet) with match.learn_pattern 3, and returns its output folder,
// its state file and a run of crmclean over it that returns the number of
// review pairs and the summary.
func learnProject(t *testing.T, others int) (out, db string, run func() (int, string)) {
	t.Helper()
	dir := t.TempDir()
	sheets, rulesFile := filepath.Join(dir, "sheets"), filepath.Join(dir, "rules.yaml")
	out, db = filepath.Join(dir, "out"), filepath.Join(dir, "p.db")
	learnSheets(t, sheets)
	for range others {
		otherSheet(t, sheets)
	}
	if err := os.WriteFile(rulesFile, []byte("match:\n  learn_pattern: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run = func() (int, string) {
		t.Helper()
		code, _, stderr := runCLI(t, "run", "--quiet", "--rules", rulesFile, "--state", db, "--out", out, sheets)
		if code != exitOK {
			t.Fatalf("run: exit %d\n%s", code, stderr)
		}
		return len(readCSV(t, filepath.Join(out, "review.csv"))), stderr
	}
	return out, db, run
}
