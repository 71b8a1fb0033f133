package ingest

import (
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// TestIdentityNumbersMaskedInOtherCells: an identity number written in a
// note or a tax-number column is masked in the cell's text and original
// value, reported without it, and never taken for a USCC; sensitive
// columns, by header or by content, are dropped whole.
func TestIdentityNumbersMaskedInOtherCells(t *testing.T) {
	const id, id2, card = "11010519491231002X", "440308199901011234", "6222021234567890128"
	csv := "客户名称,手机,统一社会信用代码,备注,公民身份号码,附加信息\n" +
		"北京华信科技有限公司,13800138000," + id + ",法人身份证" + id2 + "已核实," + id + "," + card + "\n" +
		"杭州云帆网络有限公司,13900139000,91330106MA27XL5B3K,无," + id2 + "," + card + "\n" +
		"上海明远贸易有限公司,13700137000,,," + id + "," + card + "\n" +
		"注：身份证" + id + "仅供核对,,,,,\n"
	recs, rep := readAll(t, rules.Default(), writeFile(t, t.TempDir(), "开票.csv", csv))
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	for _, r := range recs {
		for _, v := range r.Values {
			for _, secret := range []string{id, id2, card} {
				if strings.Contains(v.Raw()+v.Text(), secret) {
					t.Errorf("row %d, %s: value %q / %q holds %s", r.Prov.Row, v.Header(), v.Raw(), v.Text(), secret)
				}
			}
			if v.Header() == "公民身份号码" || v.Header() == "附加信息" {
				t.Errorf("row %d: sensitive column %s kept", r.Prov.Row, v.Header())
			}
		}
		for _, is := range r.Issues {
			if strings.Contains(is.Value+is.Message+is.Fix, id) || strings.Contains(is.Value+is.Message, id2) {
				t.Errorf("row %d: issue %s holds an identity number: %+v", r.Prov.Row, is.Rule, is)
			}
		}
		if strings.Contains(r.Reason, id) {
			t.Errorf("row %d: reason %q holds an identity number", r.Prov.Row, r.Reason)
		}
	}
	first := recs[1]
	if got := first.Get(record.FieldUSCC); got != "" {
		t.Errorf("USCC column holding an identity number kept %q, want it emptied", got)
	}
	if got := first.Get(record.FieldNotes); got != "法人身份证******************已核实" {
		t.Errorf("notes = %q, want the number masked in place", got)
	}
	masked := 0
	for _, is := range first.Issues {
		if is.Rule == RuleIDNumber {
			masked++
		}
	}
	if masked != 2 {
		t.Errorf("row 2 has %d %s issues, want 2 (USCC and notes): %+v", masked, RuleIDNumber, first.Issues)
	}
	if got := recs[2].Get(record.FieldUSCC); got != "91330106MA27XL5B3K" {
		t.Errorf("a real USCC became %q", got)
	}
}
